package io.facegate.platform.security;

import java.util.regex.Pattern;

/** The shape of a signing key id: it names key files and travels in every decision. */
final class KeyIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private KeyIds() {}

  static String requireValid(String keyId) {
    if (keyId == null || !VALID.matcher(keyId).matches()) {
      throw new IllegalArgumentException(
          "key id must match " + VALID.pattern() + " (it names the key files): " + keyId);
    }
    return keyId;
  }
}
