package io.facegate.platform.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How every facegate client (producer, consumer, admin, Streams) reaches Kafka: bootstrap servers,
 * security protocol, SASL credentials and TLS stores. Built from {@link ConfigSource} keys with
 * {@link #fromMap(Map)} and turned into Kafka {@link Properties} only at the edge, by {@link
 * #toProperties()}.
 *
 * <table>
 * <caption>Keys read by {@link #fromMap(Map)} (env: {@code FACEGATE_KAFKA_BOOTSTRAP_SERVERS} etc.)</caption>
 * <tr><td>{@code kafka.bootstrap.servers}</td><td>required, {@code host:port[,host:port…]}</td></tr>
 * <tr><td>{@code kafka.security.protocol}</td><td>PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL</td></tr>
 * <tr><td>{@code kafka.sasl.mechanism}</td><td>PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; required for SASL_*</td></tr>
 * <tr><td>{@code kafka.sasl.username}, {@code kafka.sasl.password}</td><td>required with a mechanism</td></tr>
 * <tr><td>{@code kafka.ssl.truststore.location|password|type}</td><td>optional; JVM default trust otherwise</td></tr>
 * <tr><td>{@code kafka.ssl.keystore.location|password|type}, {@code kafka.ssl.key.password}</td>
 *     <td>optional; for mutual TLS</td></tr>
 * </table>
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param securityProtocol how the connection is secured
 * @param sasl SASL credentials; present exactly when the protocol is SASL_PLAINTEXT or SASL_SSL
 * @param tls TLS stores; only allowed with SSL or SASL_SSL
 */
public record KafkaClientSettings(
    String bootstrapServers,
    SecurityProtocol securityProtocol,
    Optional<Sasl> sasl,
    Optional<Tls> tls) {

  /** Key of the bootstrap server list. */
  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

  /** Key of the security protocol. */
  public static final String SECURITY_PROTOCOL = "kafka.security.protocol";

  /** Key of the SASL mechanism. */
  public static final String SASL_MECHANISM = "kafka.sasl.mechanism";

  /** Key of the SASL user name. */
  public static final String SASL_USERNAME = "kafka.sasl.username";

  /** Key of the SASL password. */
  public static final String SASL_PASSWORD = "kafka.sasl.password";

  /** Key of the trust store path. */
  public static final String TRUSTSTORE_LOCATION = "kafka.ssl.truststore.location";

  /** Key of the trust store password. */
  public static final String TRUSTSTORE_PASSWORD = "kafka.ssl.truststore.password";

  /** Key of the trust store type. */
  public static final String TRUSTSTORE_TYPE = "kafka.ssl.truststore.type";

  /** Key of the key store path. */
  public static final String KEYSTORE_LOCATION = "kafka.ssl.keystore.location";

  /** Key of the key store password. */
  public static final String KEYSTORE_PASSWORD = "kafka.ssl.keystore.password";

  /** Key of the key store type. */
  public static final String KEYSTORE_TYPE = "kafka.ssl.keystore.type";

  /** Key of the private key password inside the key store. */
  public static final String KEY_PASSWORD = "kafka.ssl.key.password";

  /** Kafka's default store type; Java 17 loads PKCS12 files through it as well. */
  public static final String DEFAULT_STORE_TYPE = "JKS";

  private static final List<String> SASL_MECHANISMS =
      List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /** Validates the combination; every message names the key to fix. */
  public KafkaClientSettings {
    Objects.requireNonNull(securityProtocol, SECURITY_PROTOCOL);
    Objects.requireNonNull(sasl, "sasl");
    Objects.requireNonNull(tls, "tls");
    bootstrapServers = validateBootstrap(bootstrapServers);
    boolean saslProtocol =
        securityProtocol == SecurityProtocol.SASL_PLAINTEXT
            || securityProtocol == SecurityProtocol.SASL_SSL;
    boolean tlsProtocol =
        securityProtocol == SecurityProtocol.SSL || securityProtocol == SecurityProtocol.SASL_SSL;
    if (saslProtocol && sasl.isEmpty()) {
      throw new InvalidConfigException(
          SASL_MECHANISM, "required when " + SECURITY_PROTOCOL + "=" + securityProtocol);
    }
    if (!saslProtocol && sasl.isPresent()) {
      throw new InvalidConfigException(
          SASL_MECHANISM,
          "set, but " + SECURITY_PROTOCOL + "=" + securityProtocol + " does not use SASL");
    }
    if (!tlsProtocol && tls.isPresent()) {
      throw new InvalidConfigException(
          TRUSTSTORE_LOCATION,
          "TLS stores set, but "
              + SECURITY_PROTOCOL
              + "="
              + securityProtocol
              + " does not use TLS");
    }
    if (securityProtocol != SecurityProtocol.PLAINTEXT && !saslProtocol && !tlsProtocol) {
      throw new InvalidConfigException(
          SECURITY_PROTOCOL, "unsupported protocol " + securityProtocol);
    }
  }

  /**
   * Unsecured settings, for the in-process broker and tests.
   *
   * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
   * @return PLAINTEXT settings without SASL or TLS
   */
  public static KafkaClientSettings plaintext(String bootstrapServers) {
    return new KafkaClientSettings(
        bootstrapServers, SecurityProtocol.PLAINTEXT, Optional.empty(), Optional.empty());
  }

  /**
   * Reads the {@code kafka.*} keys (see the class comment); other keys are ignored.
   *
   * @param config settings, e.g. from {@link ConfigSource#load}
   * @return validated settings
   * @throws InvalidConfigException naming the first offending key
   */
  public static KafkaClientSettings fromMap(Map<String, String> config) {
    String bootstrap = config.get(BOOTSTRAP_SERVERS);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new InvalidConfigException(BOOTSTRAP_SERVERS, "required (host:port[,host:port...])");
    }
    SecurityProtocol protocol = parseProtocol(config.getOrDefault(SECURITY_PROTOCOL, "PLAINTEXT"));
    Optional<Sasl> sasl =
        Optional.ofNullable(blankToNull(config.get(SASL_MECHANISM)))
            .map(
                mechanism ->
                    new Sasl(mechanism, config.get(SASL_USERNAME), config.get(SASL_PASSWORD)));
    Optional<Tls> tls = Optional.empty();
    if (blankToNull(config.get(TRUSTSTORE_LOCATION)) != null
        || blankToNull(config.get(KEYSTORE_LOCATION)) != null) {
      tls =
          Optional.of(
              new Tls(
                  pathOrNull(config.get(TRUSTSTORE_LOCATION)),
                  blankToNull(config.get(TRUSTSTORE_PASSWORD)),
                  config.getOrDefault(TRUSTSTORE_TYPE, DEFAULT_STORE_TYPE),
                  pathOrNull(config.get(KEYSTORE_LOCATION)),
                  blankToNull(config.get(KEYSTORE_PASSWORD)),
                  blankToNull(config.get(KEY_PASSWORD)),
                  config.getOrDefault(KEYSTORE_TYPE, DEFAULT_STORE_TYPE)));
    }
    return new KafkaClientSettings(bootstrap, protocol, sasl, tls);
  }

  /**
   * The Kafka client properties these settings stand for; callers add their own client-specific
   * properties (serializers, group id, ...) on top.
   *
   * @return a fresh, mutable {@link Properties}
   */
  public Properties toProperties() {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name);
    sasl.ifPresent(
        s -> {
          props.put(SaslConfigs.SASL_MECHANISM, s.mechanism());
          props.put(SaslConfigs.SASL_JAAS_CONFIG, s.jaasConfig());
        });
    tls.ifPresent(
        t -> {
          if (t.truststore() != null) {
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, t.truststore().toString());
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, t.truststoreType());
            if (t.truststorePassword() != null) {
              props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, t.truststorePassword());
            }
          }
          if (t.keystore() != null) {
            props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, t.keystore().toString());
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, t.keystoreType());
            if (t.keystorePassword() != null) {
              props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, t.keystorePassword());
            }
            if (t.keyPassword() != null) {
              props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, t.keyPassword());
            }
          }
        });
    return props;
  }

  /**
   * SASL credentials. {@link #toString()} hides the password so settings can be logged.
   *
   * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
   * @param username the principal's name
   * @param password its password
   */
  public record Sasl(String mechanism, String username, String password) {

    /** Validates mechanism and credentials. */
    public Sasl {
      if (mechanism == null
          || !SASL_MECHANISMS.contains(mechanism.trim().toUpperCase(Locale.ROOT))) {
        throw new InvalidConfigException(
            SASL_MECHANISM, "must be one of " + SASL_MECHANISMS + ", was " + mechanism);
      }
      mechanism = mechanism.trim().toUpperCase(Locale.ROOT);
      if (username == null || username.isBlank()) {
        throw new InvalidConfigException(
            SASL_USERNAME, "required with " + SASL_MECHANISM + "=" + mechanism);
      }
      if (password == null || password.isEmpty()) {
        throw new InvalidConfigException(
            SASL_PASSWORD, "required with " + SASL_MECHANISM + "=" + mechanism);
      }
    }

    /**
     * @return the {@code sasl.jaas.config} value for this mechanism, credentials quoted and escaped
     */
    public String jaasConfig() {
      String module =
          mechanism.equals("PLAIN")
              ? "org.apache.kafka.common.security.plain.PlainLoginModule"
              : "org.apache.kafka.common.security.scram.ScramLoginModule";
      return module
          + " required username=\""
          + escape(username)
          + "\" password=\""
          + escape(password)
          + "\";";
    }

    @Override
    public String toString() {
      return "Sasl[mechanism=" + mechanism + ", username=" + username + ", password=***]";
    }

    private static String escape(String value) {
      return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
  }

  /**
   * TLS trust and key stores. Either store may be absent (JVM default trust; no client
   * certificate). {@link #toString()} hides the passwords.
   *
   * @param truststore trust store file, or null for the JVM default
   * @param truststorePassword its password, or null
   * @param truststoreType e.g. PKCS12 or JKS
   * @param keystore key store file for mutual TLS, or null
   * @param keystorePassword its password, or null
   * @param keyPassword the private key's password, or null
   * @param keystoreType e.g. PKCS12 or JKS
   */
  public record Tls(
      Path truststore,
      String truststorePassword,
      String truststoreType,
      Path keystore,
      String keystorePassword,
      String keyPassword,
      String keystoreType) {

    /**
     * Checks that the named stores exist, so a typo fails at start-up rather than at first connect.
     */
    public Tls {
      if (truststore != null && !Files.isReadable(truststore)) {
        throw new InvalidConfigException(TRUSTSTORE_LOCATION, "cannot read " + truststore);
      }
      if (keystore != null && !Files.isReadable(keystore)) {
        throw new InvalidConfigException(KEYSTORE_LOCATION, "cannot read " + keystore);
      }
      if (truststoreType == null || truststoreType.isBlank()) {
        throw new InvalidConfigException(TRUSTSTORE_TYPE, "must not be blank");
      }
      if (keystoreType == null || keystoreType.isBlank()) {
        throw new InvalidConfigException(KEYSTORE_TYPE, "must not be blank");
      }
    }

    @Override
    public String toString() {
      return "Tls[truststore="
          + truststore
          + ", truststoreType="
          + truststoreType
          + ", keystore="
          + keystore
          + ", keystoreType="
          + keystoreType
          + ", passwords=***]";
    }
  }

  private static String validateBootstrap(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new InvalidConfigException(BOOTSTRAP_SERVERS, "required (host:port[,host:port...])");
    }
    String trimmed = bootstrapServers.trim();
    for (String entry : trimmed.split(",")) {
      String server = entry.trim();
      int colon = server.lastIndexOf(':');
      if (colon <= 0 || colon == server.length() - 1) {
        throw new InvalidConfigException(BOOTSTRAP_SERVERS, "'" + server + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(server.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new InvalidConfigException(
              BOOTSTRAP_SERVERS, "'" + server + "' has port out of range");
        }
      } catch (NumberFormatException e) {
        throw new InvalidConfigException(
            BOOTSTRAP_SERVERS, "'" + server + "' has a non-numeric port", e);
      }
    }
    return trimmed;
  }

  private static SecurityProtocol parseProtocol(String value) {
    try {
      return SecurityProtocol.forName(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          SECURITY_PROTOCOL, "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, was " + value, e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static Path pathOrNull(String value) {
    return blankToNull(value) == null ? null : Path.of(value.trim());
  }
}
