package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.schemas.AccessDecision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  void keyGenWritesAPairThatSignsAndVerifies() throws IOException {
    KeyGen.KeyFiles files = KeyGen.generate("proc-1", dir);
    assertEquals(dir.resolve("proc-1.key.pem"), files.privateKey());
    assertEquals(dir.resolve("proc-1.pub.pem"), files.publicKey());
    assertTrue(Files.readString(files.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));

    DecisionSigner signer = DecisionSigner.fromPemFile("proc-1", files.privateKey());
    DecisionVerifier verifier = DecisionVerifier.fromDirectory(dir);
    assertEquals(Set.of("proc-1"), verifier.keyIds());
    assertTrue(verifier.verify(signer.signed(Decisions.grant())));
  }

  @Test
  void privateKeyFileIsOwnerOnly() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    KeyGen.KeyFiles files = KeyGen.generate("proc-1", dir);
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(files.privateKey()));
  }

  @Test
  void keyGenNeverOverwritesAnExistingKey() throws IOException {
    KeyGen.generate("proc-1", dir);
    String before = Files.readString(dir.resolve("proc-1.key.pem"));
    assertThrows(FileAlreadyExistsException.class, () -> KeyGen.generate("proc-1", dir));
    assertEquals(before, Files.readString(dir.resolve("proc-1.key.pem")));
  }

  @Test
  void verifierLoadsEveryPublicKeyInADirectoryForRotation() throws IOException {
    KeyGen.generate("proc-old", dir);
    KeyGen.generate("proc-new", dir);
    DecisionVerifier verifier = DecisionVerifier.fromDirectory(dir);
    assertEquals(Set.of("proc-old", "proc-new"), verifier.keyIds());
    AccessDecision old =
        DecisionSigner.fromPemFile("proc-old", dir.resolve("proc-old.key.pem"))
            .signed(Decisions.grant());
    AccessDecision fresh =
        DecisionSigner.fromPemFile("proc-new", dir.resolve("proc-new.key.pem"))
            .signed(Decisions.grant());
    assertTrue(verifier.verify(old));
    assertTrue(verifier.verify(fresh));
  }

  @Test
  void keyGenCommandLineIsIdempotentOnlyWhenAsked() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    String d = dir.toString();
    assertEquals(0, KeyGen.run(new String[] {"--if-absent", "compose-1", d}, ps, ps));
    String key = Files.readString(dir.resolve("compose-1.key.pem"));
    assertEquals(0, KeyGen.run(new String[] {"--if-absent", "compose-1", d}, ps, ps));
    assertEquals(
        key, Files.readString(dir.resolve("compose-1.key.pem")), "an existing key is kept");
    assertEquals(
        1,
        KeyGen.run(new String[] {"compose-1", d}, ps, ps),
        "without --if-absent an existing key is an error");
    assertEquals(2, KeyGen.run(new String[] {"../x", d}, ps, ps));
    assertEquals(2, KeyGen.run(new String[] {}, ps, ps));
  }

  @Test
  void wrongPemBlockIsRejectedNamingTheFile() throws IOException {
    KeyGen.KeyFiles files = KeyGen.generate("proc-1", dir);
    IOException e =
        assertThrows(IOException.class, () -> PemKeys.readPrivateKey(files.publicKey()));
    assertTrue(e.getMessage().contains(files.publicKey().toString()), e.getMessage());
    Path garbage = Files.writeString(dir.resolve("x.pub.pem"), "not a key");
    assertThrows(IOException.class, () -> PemKeys.readPublicKey(garbage));
  }

  @Test
  void emptyKeyDirectoryIsAnError() {
    assertThrows(IOException.class, () -> DecisionVerifier.fromDirectory(dir));
  }

  @Test
  void readsKeysWrittenByOpenSsl() throws IOException, InterruptedException {
    Path priv = dir.resolve("ossl.key.pem");
    Path pub = dir.resolve("ossl.pub.pem");
    assumeTrue(
        run("openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.toString()),
        "openssl with Ed25519 not available");
    assumeTrue(run("openssl", "pkey", "-in", priv.toString(), "-pubout", "-out", pub.toString()));
    DecisionSigner signer = DecisionSigner.fromPemFile("ossl", priv);
    assertTrue(DecisionVerifier.fromDirectory(dir).verify(signer.signed(Decisions.grant())));
  }

  private static boolean run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
