package io.facegate.platform.security;

import io.facegate.schemas.AccessDecision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Objects;

/**
 * Signs access decisions with the processor's Ed25519 private key.
 *
 * <p>The signature covers {@link DecisionCanonicalForm#encode} of the decision <em>with this
 * signer's key id</em>, so the decision must carry {@link #keyId()} in {@code signatureKeyId};
 * {@link #signed(AccessDecision)} sets both fields. Thread-safe: a {@link Signature} is made per
 * call (Ed25519 is deterministic, so the same decision always gets the same signature).
 */
public final class DecisionSigner {
  private final String keyId;
  private final PrivateKey key;

  /**
   * @param keyId names the key; door controllers look the public key up by it
   * @param key an Ed25519 private key
   */
  public DecisionSigner(String keyId, PrivateKey key) {
    this.keyId = KeyIds.requireValid(keyId);
    this.key = Objects.requireNonNull(key, "key");
    if (!PemKeys.ALGORITHM.equalsIgnoreCase(key.getAlgorithm())
        && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException(
          "signing key " + keyId + " must be Ed25519, is " + key.getAlgorithm());
    }
  }

  /** Loads the private key from a PKCS#8 PEM file (as written by {@link KeyGen} or OpenSSL). */
  public static DecisionSigner fromPemFile(String keyId, Path privateKeyPem) throws IOException {
    return new DecisionSigner(keyId, PemKeys.readPrivateKey(privateKeyPem));
  }

  /** The key id this signer writes into {@code signatureKeyId}. */
  public String keyId() {
    return keyId;
  }

  /**
   * The Ed25519 signature (64 bytes) over the decision's essential fields and this signer's key id.
   * Whatever {@code signatureKeyId}/{@code signature} the decision holds is ignored.
   *
   * @throws IllegalArgumentException if an essential field is missing
   */
  public byte[] sign(AccessDecision decision) {
    byte[] message = DecisionCanonicalForm.encode(decision, keyId);
    try {
      Signature s = Signature.getInstance(PemKeys.ALGORITHM);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      // the JDK always has Ed25519 and the key was checked in the constructor
      throw new IllegalStateException("Ed25519 signing failed with key " + keyId, e);
    }
  }

  /**
   * A shallow copy of {@code decision} with {@code signatureKeyId} and {@code signature} set; the
   * argument is left untouched. (Shallow on purpose: Avro's deep copy re-resolves enum classes
   * through its class-security allow-list, which is the serde's business, not the signer's.)
   */
  public AccessDecision signed(AccessDecision decision) {
    byte[] signature = sign(decision);
    AccessDecision copy = new AccessDecision();
    for (int i = 0; i < decision.getSchema().getFields().size(); i++) {
      copy.put(i, decision.get(i));
    }
    copy.setSignatureKeyId(keyId);
    copy.setSignature(ByteBuffer.wrap(signature));
    return copy;
  }
}
