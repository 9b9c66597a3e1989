package io.facegate.platform.security;

/** Why a decision did or did not verify; only {@link #VALID} may be acted on. */
public enum SignatureCheck {
  /** The signature is genuine under the key its key id names. */
  VALID,
  /** No signature or no key id: unsigned decisions are never trusted. */
  MISSING_SIGNATURE,
  /** The key id names no key this verifier holds (unknown, or retired). */
  UNKNOWN_KEY,
  /** Signature does not match the decision: tampered, forged or truncated. */
  BAD_SIGNATURE,
  /** An essential field is missing, so there is nothing well-defined to verify. */
  MALFORMED
}
