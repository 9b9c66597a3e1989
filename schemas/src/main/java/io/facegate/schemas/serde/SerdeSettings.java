package io.facegate.schemas.serde;

import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

/**
 * What a serde configured by class name from Kafka properties reads: the registry keys of {@link
 * RegistryConfig} and the record type ({@value #KEY_TYPE} / {@value #VALUE_TYPE}, falling back to
 * {@value #TYPE}, so key and value serdes can share one property map).
 */
record SerdeSettings(Class<? extends SpecificRecord> type, RegistryConfig registry) {
  static final String TYPE = "facegate.avro.type";
  static final String KEY_TYPE = "facegate.avro.key.type";
  static final String VALUE_TYPE = "facegate.avro.value.type";

  static SerdeSettings fromConfigs(Map<String, ?> configs, boolean isKey) {
    String specificKey = isKey ? KEY_TYPE : VALUE_TYPE;
    String key = configs.get(specificKey) != null ? specificKey : TYPE;
    Object raw = configs.get(key);
    if (raw == null) {
      throw new ConfigException(
          specificKey + " (or " + TYPE + "): required, the generated Avro class to read into");
    }
    Class<? extends SpecificRecord> type = typeOf(key, raw);
    RegistryConfig registry;
    try {
      registry = RegistryConfig.fromMap(configs);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new SerdeSettings(type, registry);
  }

  SchemaRegistryClient createClient() {
    try {
      return SchemaRegistryClients.create(registry);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static Class<? extends SpecificRecord> typeOf(String key, Object raw) {
    Class<?> c;
    if (raw instanceof Class<?> given) {
      c = given;
    } else {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      try {
        c =
            Class.forName(
                raw.toString().trim(),
                false,
                loader != null ? loader : SerdeSettings.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ConfigException(key, raw, "no such class");
      }
    }
    if (!SpecificRecord.class.isAssignableFrom(c)) {
      throw new ConfigException(key, raw, "not a generated Avro class (SpecificRecord)");
    }
    return c.asSubclass(SpecificRecord.class);
  }
}
