package io.facegate.platform.security;

import io.facegate.schemas.AccessDecision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks decision signatures against a set of trusted Ed25519 public keys, picking the key by the
 * decision's {@code signatureKeyId}. Holding several keys is what makes rotation possible: doors
 * trust old and new key while the processor switches, then drop the old one.
 *
 * <p>Fails closed: anything but a genuine signature under a held key is {@code false}. Thread-safe
 * and immutable.
 */
public final class DecisionVerifier {
  /** File-name suffix of a public key in a key directory: {@code <keyId>.pub.pem}. */
  public static final String PUBLIC_KEY_SUFFIX = ".pub.pem";

  /** An Ed25519 signature is exactly this long (RFC 8032). */
  public static final int SIGNATURE_BYTES = 64;

  private final Map<String, PublicKey> keys;

  /**
   * @param keys trusted public keys by key id (copied)
   */
  public DecisionVerifier(Map<String, PublicKey> keys) {
    Map<String, PublicKey> copy = new TreeMap<>();
    keys.forEach(
        (id, key) -> {
          if (key == null) {
            throw new IllegalArgumentException("public key for key id " + id + " is null");
          }
          copy.put(KeyIds.requireValid(id), key);
        });
    this.keys = Map.copyOf(copy);
  }

  /** Trusts every {@code <keyId>.pub.pem} file in {@code dir}. */
  public static DecisionVerifier fromDirectory(Path dir) throws IOException {
    Map<String, PublicKey> keys = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + PUBLIC_KEY_SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        keys.put(
            name.substring(0, name.length() - PUBLIC_KEY_SUFFIX.length()),
            PemKeys.readPublicKey(file));
      }
    }
    if (keys.isEmpty()) {
      throw new IOException(dir + ": no *" + PUBLIC_KEY_SUFFIX + " public keys found");
    }
    return new DecisionVerifier(keys);
  }

  /** The key ids this verifier trusts. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** {@code true} only for a genuine signature under a trusted key. */
  public boolean verify(AccessDecision decision) {
    return check(decision) == SignatureCheck.VALID;
  }

  /** Like {@link #verify} but says why, for tools that flag bad decisions. */
  public SignatureCheck check(AccessDecision decision) {
    if (decision == null) {
      return SignatureCheck.MALFORMED;
    }
    String keyId = decision.getSignatureKeyId();
    ByteBuffer signature = decision.getSignature();
    if (keyId == null || signature == null || !signature.hasRemaining()) {
      return SignatureCheck.MISSING_SIGNATURE;
    }
    PublicKey key = keys.get(keyId);
    if (key == null) {
      return SignatureCheck.UNKNOWN_KEY;
    }
    byte[] message;
    try {
      message = DecisionCanonicalForm.encode(decision, keyId);
    } catch (IllegalArgumentException e) {
      return SignatureCheck.MALFORMED;
    }
    if (signature.remaining() != SIGNATURE_BYTES) {
      // the JDK's Ed25519 ignores bytes after the first 64; only the exact form is genuine
      return SignatureCheck.BAD_SIGNATURE;
    }
    byte[] sig = new byte[signature.remaining()];
    signature.duplicate().get(sig);
    try {
      Signature s = Signature.getInstance(PemKeys.ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(sig) ? SignatureCheck.VALID : SignatureCheck.BAD_SIGNATURE;
    } catch (GeneralSecurityException e) {
      // e.g. a signature of the wrong length: not genuine
      return SignatureCheck.BAD_SIGNATURE;
    }
  }
}
