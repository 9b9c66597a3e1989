package io.facegate.schemas.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A {@link SpecificData} that maps the named types of one generated class's schema to their classes
 * up front, instead of looking each name up through Avro's {@code ClassUtils.forName}. Avro 1.12
 * refuses classes outside a global allow-list there ({@code SecurityException: Forbidden ... not
 * trusted}) unless the application sets {@code org.apache.avro.SERIALIZABLE_PACKAGES} or replaces
 * the global validator. Neither is needed here, and no global state changes: the only classes
 * instantiated are those the application itself chose by naming the reader type, and names from the
 * wire never select a class (the reader schema does).
 */
final class TrustedSpecificData extends SpecificData {
  private final Map<String, Class<?>> classes;

  private TrustedSpecificData(ClassLoader loader, Map<String, Class<?>> classes) {
    super(loader);
    this.classes = Map.copyOf(classes);
    setFastReaderEnabled(false);
  }

  /**
   * The model for reading into {@code type}: its classes, and the logical-type conversions it
   * declares.
   */
  static TrustedSpecificData forType(Class<? extends SpecificRecord> type, Schema readerSchema) {
    Map<String, Class<?>> classes = new HashMap<>();
    collect(readerSchema, type.getClassLoader(), classes);
    TrustedSpecificData data = new TrustedSpecificData(type.getClassLoader(), classes);
    for (Conversion<?> conversion : SpecificData.getForClass(type).getConversions()) {
      data.addLogicalTypeConversion(conversion);
    }
    return data;
  }

  private static void collect(Schema schema, ClassLoader loader, Map<String, Class<?>> classes) {
    switch (schema.getType()) {
      case RECORD -> {
        if (classes.containsKey(schema.getFullName())) {
          return;
        }
        Class<?> c = load(schema, loader);
        classes.put(schema.getFullName(), c);
        for (Schema.Field f : schema.getFields()) {
          collect(f.schema(), loader, classes);
        }
      }
      case ENUM, FIXED -> classes.putIfAbsent(schema.getFullName(), load(schema, loader));
      case ARRAY -> collect(schema.getElementType(), loader, classes);
      case MAP -> collect(schema.getValueType(), loader, classes);
      case UNION -> schema.getTypes().forEach(t -> collect(t, loader, classes));
      default -> {
        // primitives need no class
      }
    }
  }

  private static Class<?> load(Schema schema, ClassLoader loader) {
    String name = SpecificData.getClassName(schema);
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "no generated class " + name + " for schema type " + schema.getFullName(), e);
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class getClass(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> classes.get(schema.getFullName());
      default -> super.getClass(schema);
    };
  }
}
