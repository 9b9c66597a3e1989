package io.facegate.platform.security;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

/**
 * Writes a new Ed25519 signing key pair: {@code <dir>/<keyId>.key.pem} (PKCS#8, owner-only where
 * the file system has POSIX permissions; goes to the processor) and {@code <dir>/<keyId>.pub.pem}
 * (goes to every door controller and {@code tail}). Never overwrites: a key id names one key for
 * its whole life.
 */
public final class KeyGen {
  /** File-name suffix of a private key: {@code <keyId>.key.pem}. */
  public static final String PRIVATE_KEY_SUFFIX = ".key.pem";

  private KeyGen() {}

  /** Where a generated pair was written. */
  public record KeyFiles(String keyId, Path privateKey, Path publicKey) {}

  /**
   * {@code KeyGen [--if-absent] KEY_ID DIR}: writes a pair (for containers and scripts until the
   * CLI has a command for it). Exit 0 on success, or with {@code --if-absent} when both files are
   * already there; 1 when a key file exists (never overwritten) or cannot be written; 2 on usage.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean ifAbsent = args.length > 0 && args[0].equals("--if-absent");
    int first = ifAbsent ? 1 : 0;
    if (args.length - first != 2) {
      err.println("usage: KeyGen [--if-absent] KEY_ID DIR");
      return 2;
    }
    String keyId = args[first];
    Path dir = Path.of(args[first + 1]);
    try {
      KeyIds.requireValid(keyId);
      Path priv = dir.resolve(keyId + PRIVATE_KEY_SUFFIX);
      Path pub = dir.resolve(keyId + DecisionVerifier.PUBLIC_KEY_SUFFIX);
      if (ifAbsent && Files.isRegularFile(priv) && Files.isRegularFile(pub)) {
        out.println("signing key " + keyId + " already in " + dir + "; kept");
        return 0;
      }
      KeyFiles files = generate(keyId, dir);
      out.println(
          "wrote "
              + files.privateKey()
              + " (processor only) and "
              + files.publicKey()
              + " (doors, tail)");
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("cannot write key " + keyId + ": " + e.getMessage());
      return 1;
    }
  }

  /** Generates a pair and writes both files; fails if either already exists. */
  public static KeyFiles generate(String keyId, Path dir) throws IOException {
    KeyIds.requireValid(keyId);
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(PemKeys.ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
    Files.createDirectories(dir);
    Path priv = dir.resolve(keyId + PRIVATE_KEY_SUFFIX);
    Path pub = dir.resolve(keyId + DecisionVerifier.PUBLIC_KEY_SUFFIX);
    if (Files.exists(priv) || Files.exists(pub)) {
      throw new FileAlreadyExistsException(
          priv + " or " + pub + " already exists; pick a new key id");
    }
    writePrivate(priv, PemKeys.toPem(pair.getPrivate()));
    Files.writeString(
        pub,
        PemKeys.toPem(pair.getPublic()),
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE_NEW);
    return new KeyFiles(keyId, priv, pub);
  }

  private static void writePrivate(Path file, String pem) throws IOException {
    // create with owner-only permissions up front so the key is never world-readable, even briefly
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    }
  }
}
