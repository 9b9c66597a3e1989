/**
 * Security for facegate's Kafka traffic: Ed25519-signed access decisions (so a door controller can
 * check a grant end to end even if the topic were compromised), the key files they use, and the
 * Kafka ACL set that limits who may write decisions or read biometric data.
 */
package io.facegate.platform.security;
