package io.facegate.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach a schema registry: {@code mock://scope} (in-JVM) or {@code
 * http(s)://host:port[/path]}, with optional basic auth and TLS stores. Keys follow Confluent's
 * serializer configuration, so the same Kafka client properties work here; unknown keys are
 * ignored. Passwords never appear in {@link #toString()}.
 *
 * @param url registry base URL without credentials ({@value #URL})
 * @param basicAuth HTTP basic-auth credentials ({@value #BASIC_AUTH_USER_INFO}, or user info in the
 *     URL)
 * @param truststore trust store for https ({@code schema.registry.ssl.truststore.*}); JVM default
 *     if empty
 * @param keystore client key store for mutual TLS ({@code schema.registry.ssl.keystore.*})
 * @param connectTimeout TCP/TLS connect timeout ({@value #CONNECT_TIMEOUT_MS})
 * @param requestTimeout time allowed for one request and its answer ({@value #REQUEST_TIMEOUT_MS})
 */
public record RegistryConfig(
    URI url,
    Optional<BasicAuth> basicAuth,
    Optional<StoreSettings> truststore,
    Optional<StoreSettings> keystore,
    Duration connectTimeout,
    Duration requestTimeout) {

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String SSL_PREFIX = "schema.registry.ssl.";
  public static final String TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
  public static final String TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
  public static final String TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
  public static final String KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
  public static final String KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
  public static final String KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
  public static final String KEY_PASSWORD = SSL_PREFIX + "key.password";
  public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "http.read.timeout.ms";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Kafka's default store type; Java 17 reads PKCS12 files through it too. */
  public static final String DEFAULT_STORE_TYPE = "JKS";

  public RegistryConfig {
    Objects.requireNonNull(url, URL);
    Objects.requireNonNull(basicAuth, BASIC_AUTH_USER_INFO);
    Objects.requireNonNull(truststore, TRUSTSTORE_LOCATION);
    Objects.requireNonNull(keystore, KEYSTORE_LOCATION);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "mock" -> {
        if (mockScope(url).isEmpty()) {
          throw new IllegalArgumentException(
              URL + ": mock:// needs a scope name, e.g. mock://tests, got " + url);
        }
      }
      case "http", "https" -> {
        if (url.getHost() == null) {
          throw new IllegalArgumentException(URL + ": no host in " + url);
        }
        if (url.getRawUserInfo() != null) {
          throw new IllegalArgumentException(
              URL
                  + ": credentials belong in "
                  + BASIC_AUTH_USER_INFO
                  + ", not in the URL (RegistryConfig.fromMap moves them)");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
          throw new IllegalArgumentException(URL + ": no query or fragment allowed in " + url);
        }
      }
      default ->
          throw new IllegalArgumentException(
              URL + ": expected mock://scope, http:// or https://, got " + url);
    }
    truststore.ifPresent(s -> requireRole(s, StoreSettings.Role.TRUSTSTORE));
    keystore.ifPresent(s -> requireRole(s, StoreSettings.Role.KEYSTORE));
    requirePositive(connectTimeout, CONNECT_TIMEOUT_MS);
    requirePositive(requestTimeout, REQUEST_TIMEOUT_MS);
  }

  /** A registry at {@code url} with default timeouts, no auth and the JVM's trust store. */
  public static RegistryConfig of(URI url) {
    return new RegistryConfig(
        url,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /** The in-JVM registry shared by everyone in this JVM who names the same scope. */
  public static RegistryConfig mock(String scope) {
    return of(URI.create("mock://" + scope));
  }

  /** A copy with basic-auth credentials. */
  public RegistryConfig withBasicAuth(BasicAuth auth) {
    return new RegistryConfig(
        url, Optional.of(auth), truststore, keystore, connectTimeout, requestTimeout);
  }

  /** A copy with a trust store (https). */
  public RegistryConfig withTruststore(StoreSettings store) {
    return new RegistryConfig(
        url, basicAuth, Optional.of(store), keystore, connectTimeout, requestTimeout);
  }

  /** True for {@code mock://scope}. */
  public boolean isMock() {
    return "mock".equalsIgnoreCase(url.getScheme());
  }

  /** The scope of a {@code mock://scope} URL. */
  public Optional<String> mockScope() {
    return isMock() ? mockScope(url) : Optional.empty();
  }

  private static Optional<String> mockScope(URI url) {
    String scope = url.getRawAuthority();
    if (scope == null) {
      String rest = url.getRawSchemeSpecificPart();
      scope = rest == null ? null : rest.replaceFirst("^//", "");
    }
    return scope == null || scope.isBlank() ? Optional.empty() : Optional.of(scope);
  }

  /**
   * Reads the Confluent-style keys from Kafka client properties (values may be strings, numbers or
   * Kafka {@code Password}s); other keys are ignored.
   *
   * @throws IllegalArgumentException naming the offending key
   */
  public static RegistryConfig fromMap(Map<String, ?> props) {
    Objects.requireNonNull(props, "props");
    String rawUrl =
        string(props, URL).orElseThrow(() -> new IllegalArgumentException(URL + ": required"));
    if (rawUrl.contains(",")) {
      throw new IllegalArgumentException(URL + ": one URL only (no fail-over list), got " + rawUrl);
    }
    URI parsed;
    try {
      parsed = new URI(rawUrl.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + ": not a URI: " + e.getMessage(), e);
    }
    String userInfoInUrl = parsed.getRawUserInfo();
    URI url = userInfoInUrl == null ? parsed : withoutUserInfo(parsed);

    Optional<String> source =
        string(props, BASIC_AUTH_CREDENTIALS_SOURCE).map(s -> s.toUpperCase(Locale.ROOT));
    Optional<String> userInfo = string(props, BASIC_AUTH_USER_INFO);
    Optional<BasicAuth> auth;
    if (source.isPresent() && !source.get().equals("USER_INFO") && !source.get().equals("URL")) {
      throw new IllegalArgumentException(
          BASIC_AUTH_CREDENTIALS_SOURCE + ": expected USER_INFO or URL, got " + source.get());
    } else if (source.map("URL"::equals).orElse(false)) {
      if (userInfoInUrl == null) {
        throw new IllegalArgumentException(
            BASIC_AUTH_CREDENTIALS_SOURCE + "=URL but " + URL + " has no user:password@");
      }
      auth = Optional.of(BasicAuth.parse(decode(userInfoInUrl), URL));
    } else if (userInfo.isPresent()) {
      auth = Optional.of(BasicAuth.parse(userInfo.get(), BASIC_AUTH_USER_INFO));
    } else if (source.isPresent()) {
      throw new IllegalArgumentException(
          BASIC_AUTH_USER_INFO + ": required when " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
    } else {
      auth =
          userInfoInUrl == null
              ? Optional.empty()
              : Optional.of(BasicAuth.parse(decode(userInfoInUrl), URL));
    }

    Optional<StoreSettings> truststore =
        string(props, TRUSTSTORE_LOCATION)
            .map(
                location ->
                    new StoreSettings(
                        StoreSettings.Role.TRUSTSTORE,
                        path(location, TRUSTSTORE_LOCATION),
                        string(props, TRUSTSTORE_PASSWORD).orElse(null),
                        string(props, TRUSTSTORE_TYPE).orElse(DEFAULT_STORE_TYPE),
                        null));
    if (truststore.isEmpty()) {
      rejectWithoutLocation(props, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE);
    }
    Optional<StoreSettings> keystore =
        string(props, KEYSTORE_LOCATION)
            .map(
                location ->
                    new StoreSettings(
                        StoreSettings.Role.KEYSTORE,
                        path(location, KEYSTORE_LOCATION),
                        string(props, KEYSTORE_PASSWORD).orElse(null),
                        string(props, KEYSTORE_TYPE).orElse(DEFAULT_STORE_TYPE),
                        string(props, KEY_PASSWORD).orElse(null)));
    if (keystore.isEmpty()) {
      rejectWithoutLocation(
          props, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD);
    }
    return new RegistryConfig(
        url,
        auth,
        truststore,
        keystore,
        millis(props, CONNECT_TIMEOUT_MS).orElse(DEFAULT_CONNECT_TIMEOUT),
        millis(props, REQUEST_TIMEOUT_MS).orElse(DEFAULT_REQUEST_TIMEOUT));
  }

  private static void rejectWithoutLocation(
      Map<String, ?> props, String locationKey, String... keys) {
    for (String key : keys) {
      if (string(props, key).isPresent()) {
        throw new IllegalArgumentException(key + ": set without " + locationKey);
      }
    }
  }

  private static Optional<String> string(Map<String, ?> props, String key) {
    Object value = props.get(key);
    if (value == null) {
      return Optional.empty();
    }
    String text = value instanceof Password p ? p.value() : value.toString();
    return text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  private static Optional<Duration> millis(Map<String, ?> props, String key) {
    return string(props, key)
        .map(
            text -> {
              long ms;
              try {
                ms = Long.parseLong(text);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    key + ": not a number of milliseconds: '" + text + "'", e);
              }
              if (ms <= 0) {
                throw new IllegalArgumentException(key + ": must be > 0, got " + ms);
              }
              return Duration.ofMillis(ms);
            });
  }

  private static Path path(String text, String key) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + ": not a path: " + text, e);
    }
  }

  private static URI withoutUserInfo(URI u) {
    try {
      return new URI(
          u.getScheme(),
          null,
          u.getHost(),
          u.getPort(),
          u.getPath(),
          u.getQuery(),
          u.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + ": " + e.getMessage(), e);
    }
  }

  private static String decode(String rawUserInfo) {
    return URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void requireRole(StoreSettings s, StoreSettings.Role role) {
    if (s.role() != role) {
      throw new IllegalArgumentException(
          role.prefix + "location: a " + s.role() + " given where a " + role + " belongs");
    }
  }

  private static void requirePositive(Duration d, String key) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + ": must be > 0, got " + d);
    }
  }

  @Override
  public String toString() {
    return "RegistryConfig[url="
        + url
        + ", basicAuth="
        + basicAuth
        + ", truststore="
        + truststore
        + ", keystore="
        + keystore
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }

  /** HTTP basic-auth credentials; the password is never printed. */
  public record BasicAuth(String user, String password) {
    public BasicAuth {
      if (user == null || user.isEmpty()) {
        throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + ": empty user name");
      }
      if (user.contains(":")) {
        throw new IllegalArgumentException(
            BASIC_AUTH_USER_INFO + ": user name must not contain ':'");
      }
      Objects.requireNonNull(password, BASIC_AUTH_USER_INFO + ": password");
    }

    /** Parses {@code user:password}; {@code key} is named in errors. */
    static BasicAuth parse(String userInfo, String key) {
      int colon = userInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(key + ": expected user:password");
      }
      return new BasicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
    }

    @Override
    public String toString() {
      return "BasicAuth[user=" + user + ", password=***]";
    }
  }

  /**
   * A key or trust store file. Checked when configured: the file must exist and the type be known
   * to this JVM, so a typo fails at start-up rather than at the first TLS handshake.
   *
   * @param role trust store or key store (names the keys in errors)
   * @param location the store file
   * @param password store password, may be null (a trust store can be read without one)
   * @param type {@code JKS}, {@code PKCS12}, ...
   * @param keyPassword key store only: the private key's password, null = the store password
   */
  public record StoreSettings(
      Role role, Path location, String password, String type, String keyPassword) {
    public StoreSettings {
      Objects.requireNonNull(role, "role");
      if (location == null) {
        throw new IllegalArgumentException(role.prefix + "location: required");
      }
      if (!Files.isRegularFile(location) || !Files.isReadable(location)) {
        throw new IllegalArgumentException(
            role.prefix + "location: no readable file at " + location);
      }
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException(role.prefix + "type: required");
      }
      try {
        KeyStore.getInstance(type);
      } catch (KeyStoreException e) {
        throw new IllegalArgumentException(role.prefix + "type: unknown store type " + type, e);
      }
      if (keyPassword != null && role != Role.KEYSTORE) {
        throw new IllegalArgumentException(KEY_PASSWORD + ": only for the key store");
      }
    }

    /** A store of {@code type} at {@code location}. */
    public static StoreSettings truststore(Path location, String password, String type) {
      return new StoreSettings(Role.TRUSTSTORE, location, password, type, null);
    }

    /** A client key store for mutual TLS. */
    public static StoreSettings keystore(
        Path location, String password, String type, String keyPassword) {
      return new StoreSettings(Role.KEYSTORE, location, password, type, keyPassword);
    }

    @Override
    public String toString() {
      return "StoreSettings["
          + role
          + ", location="
          + location
          + ", type="
          + type
          + ", password="
          + (password == null ? "none" : "***")
          + (keyPassword == null ? "" : ", keyPassword=***")
          + "]";
    }

    /** Which store, and so which configuration keys. */
    public enum Role {
      TRUSTSTORE(SSL_PREFIX + "truststore."),
      KEYSTORE(SSL_PREFIX + "keystore.");

      final String prefix;

      Role(String prefix) {
        this.prefix = prefix;
      }
    }
  }
}
