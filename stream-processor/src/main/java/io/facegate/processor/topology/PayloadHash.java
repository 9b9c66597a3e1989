package io.facegate.processor.topology;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex SHA-256 of a record value: what a dead letter carries instead of the (biometric) bytes. */
final class PayloadHash {
  private PayloadHash() {}

  static String sha256Hex(byte[] bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(bytes == null ? new byte[0] : bytes));
    } catch (NoSuchAlgorithmException e) {
      // every JDK ships SHA-256
      throw new IllegalStateException(e);
    }
  }
}
