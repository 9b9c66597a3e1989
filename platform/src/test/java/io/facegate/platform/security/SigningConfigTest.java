package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningConfigTest {
  @TempDir Path dir;

  @Test
  void environmentVariablesConfigureSignerAndVerifier() throws IOException {
    KeyGen.generate("proc-1", dir);
    Map<String, String> config =
        ConfigSource.load(
            Optional.empty(),
            Map.of(
                "FACEGATE_SIGNING_KEY__ID", "proc-1",
                "FACEGATE_SIGNING_KEY__FILE", dir.resolve("proc-1.key.pem").toString(),
                "FACEGATE_SIGNING_TRUSTED__KEYS__DIR", dir.toString()));
    SigningConfig signing = SigningConfig.fromMap(config);
    DecisionSigner signer = signing.signer().orElseThrow();
    assertEquals("proc-1", signer.keyId());
    assertTrue(signing.verifier().orElseThrow().verify(signer.signed(Decisions.grant())));
  }

  @Test
  void nothingConfiguredMeansNoSignerAndNoVerifier() {
    SigningConfig signing = SigningConfig.fromMap(Map.of());
    assertTrue(signing.signer().isEmpty());
    assertTrue(signing.verifier().isEmpty());
  }

  @Test
  void errorsNameTheKeyToFix() throws IOException {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> SigningConfig.fromMap(Map.of(SigningConfig.KEY_ID, "proc-1")));
    assertEquals(SigningConfig.KEY_FILE, e.key());
    e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                SigningConfig.fromMap(
                    Map.of(
                        SigningConfig.KEY_ID,
                        "proc-1",
                        SigningConfig.KEY_FILE,
                        dir.resolve("missing.pem").toString())));
    assertEquals(SigningConfig.KEY_FILE, e.key());
    Path notAKey = Files.writeString(dir.resolve("x.key.pem"), "junk");
    SigningConfig bad =
        SigningConfig.fromMap(
            Map.of(SigningConfig.KEY_ID, "proc-1", SigningConfig.KEY_FILE, notAKey.toString()));
    assertEquals(
        SigningConfig.KEY_FILE, assertThrows(InvalidConfigException.class, bad::signer).key());
    e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                SigningConfig.fromMap(
                    Map.of(
                        SigningConfig.KEY_ID,
                        "../evil",
                        SigningConfig.KEY_FILE,
                        notAKey.toString())));
    assertEquals(SigningConfig.KEY_ID, e.key());
    Path empty = Files.createDirectory(dir.resolve("empty"));
    SigningConfig noKeys =
        SigningConfig.fromMap(Map.of(SigningConfig.TRUSTED_KEYS_DIR, empty.toString()));
    assertEquals(
        SigningConfig.TRUSTED_KEYS_DIR,
        assertThrows(InvalidConfigException.class, noKeys::verifier).key());
  }
}
