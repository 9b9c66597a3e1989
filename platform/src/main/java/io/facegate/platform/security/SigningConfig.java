package io.facegate.platform.security;

import io.facegate.platform.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where decision-signing keys come from, read from {@code ConfigSource} keys:
 *
 * <table>
 * <caption>Keys (env: {@code FACEGATE_SIGNING_KEY__ID} etc.)</caption>
 * <tr><td>{@code signing.key-id}</td><td>the processor's key id, written into every decision</td></tr>
 * <tr><td>{@code signing.key-file}</td><td>its PKCS#8 PEM private key; required with a key id</td></tr>
 * <tr><td>{@code signing.trusted-keys-dir}</td><td>directory of {@code <keyId>.pub.pem} public keys that
 *     verifiers (door controllers, {@code tail}) trust</td></tr>
 * </table>
 *
 * @param keyId the signing key id, if this process signs
 * @param keyFile the private key file, present exactly with {@code keyId}
 * @param trustedKeysDir public keys to verify with, if this process verifies
 */
public record SigningConfig(
    Optional<String> keyId, Optional<Path> keyFile, Optional<Path> trustedKeysDir) {
  /** Key of the signing key id. */
  public static final String KEY_ID = "signing.key-id";

  /** Key of the private key file. */
  public static final String KEY_FILE = "signing.key-file";

  /** Key of the trusted public keys directory. */
  public static final String TRUSTED_KEYS_DIR = "signing.trusted-keys-dir";

  /** Validates that id and file come together and that the files are there. */
  public SigningConfig {
    if (keyId.isPresent() != keyFile.isPresent()) {
      throw new InvalidConfigException(
          keyId.isPresent() ? KEY_FILE : KEY_ID,
          "required together with " + (keyId.isPresent() ? KEY_ID : KEY_FILE));
    }
    keyId.ifPresent(
        id -> {
          try {
            KeyIds.requireValid(id);
          } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(KEY_ID, e.getMessage(), e);
          }
        });
    keyFile.ifPresent(
        f -> {
          if (!Files.isReadable(f)) {
            throw new InvalidConfigException(KEY_FILE, "cannot read " + f);
          }
        });
    trustedKeysDir.ifPresent(
        d -> {
          if (!Files.isDirectory(d)) {
            throw new InvalidConfigException(TRUSTED_KEYS_DIR, "not a directory: " + d);
          }
        });
  }

  /** Reads the {@code signing.*} keys; other keys are ignored. */
  public static SigningConfig fromMap(Map<String, String> config) {
    return new SigningConfig(
        nonBlank(config.get(KEY_ID)),
        nonBlank(config.get(KEY_FILE)).map(Path::of),
        nonBlank(config.get(TRUSTED_KEYS_DIR)).map(Path::of));
  }

  /**
   * The signer, when a key is configured.
   *
   * @throws InvalidConfigException naming {@code signing.key-file} when the key cannot be loaded
   */
  public Optional<DecisionSigner> signer() {
    if (keyId.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(DecisionSigner.fromPemFile(keyId.get(), keyFile.orElseThrow()));
    } catch (IOException e) {
      throw new InvalidConfigException(KEY_FILE, e.getMessage(), e);
    }
  }

  /**
   * The verifier over every public key in the trusted directory, when one is configured.
   *
   * @throws InvalidConfigException naming {@code signing.trusted-keys-dir} when no key can be
   *     loaded
   */
  public Optional<DecisionVerifier> verifier() {
    if (trustedKeysDir.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(DecisionVerifier.fromDirectory(trustedKeysDir.get()));
    } catch (IOException e) {
      throw new InvalidConfigException(TRUSTED_KEYS_DIR, e.getMessage(), e);
    }
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
