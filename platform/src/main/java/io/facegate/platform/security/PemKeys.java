package io.facegate.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys in the PEM files OpenSSL writes and reads: a PKCS#8 {@code PRIVATE KEY} and an X.509
 * SubjectPublicKeyInfo {@code PUBLIC KEY} ({@code openssl genpkey -algorithm ed25519}).
 */
public final class PemKeys {
  /** The JDK's name for the algorithm (JDK 15+, no extra provider). */
  public static final String ALGORITHM = "Ed25519";

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

  private PemKeys() {}

  /** Reads a PKCS#8 Ed25519 private key; the message names the file on any problem. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    byte[] der = readPem(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": not an Ed25519 PKCS#8 private key: " + e.getMessage(), e);
    }
  }

  /** Reads an X.509 (SubjectPublicKeyInfo) Ed25519 public key. */
  public static PublicKey readPublicKey(Path file) throws IOException {
    byte[] der = readPem(file, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** PEM text of a private key (PKCS#8). */
  public static String toPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** PEM text of a public key (X.509 SubjectPublicKeyInfo). */
  public static String toPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  private static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static byte[] readPem(Path file, String label) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IOException(file + ": no PEM block found");
    }
    if (!label.equals(m.group(1))) {
      throw new IOException(
          file + ": expected a PEM '" + label + "' block, found '" + m.group(1) + "'");
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": PEM body is not valid base64", e);
    }
  }
}
