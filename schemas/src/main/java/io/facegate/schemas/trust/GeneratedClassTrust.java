package io.facegate.schemas.trust;

import org.apache.avro.Conversion;
import org.apache.avro.specific.AvroGenerated;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro instantiate facegate's generated classes. Avro 1.12 looks classes up by name through a
 * global allow-list and refuses everything else with {@code SecurityException: Forbidden ... not
 * trusted} - not only when reading, but also in the generated builders whenever a field keeps its
 * default ({@code Enrollment.newBuilder()...build()} without images) or a builder copies a record.
 * Setting {@code org.apache.avro.SERIALIZABLE_PACKAGES} would work only if done before Avro reads
 * it, in every JVM (tests, CLI, processor); instead this class widens the global predicate by
 * exactly the {@link AvroGenerated} classes of {@value #PACKAGE}, nothing else.
 *
 * <p>It installs itself: it is registered as an Avro {@link Conversion} service ({@code
 * META-INF/services/org.apache.avro.Conversion}), and Avro instantiates conversion services in
 * every {@code SpecificData} constructor, which each generated class runs in its static initialiser
 * - so the trust is in place before any generated class can be used. As a conversion it does
 * nothing (its logical type name is used by no schema). Code that later replaces Avro's global
 * predicate with {@link ClassSecurityValidator#setGlobal} must compose it with {@link #PREDICATE}
 * or call {@link #install()} again. The serde in {@code io.facegate.schemas.serde} does not depend
 * on it.
 */
public final class GeneratedClassTrust extends Conversion<Void> {
  /** The package of the generated classes. */
  public static final String PACKAGE = "io.facegate.schemas";

  /** Trusts the {@link AvroGenerated} classes of {@value #PACKAGE}. */
  public static final ClassSecurityPredicate PREDICATE = GeneratedClassTrust::isFacegateGenerated;

  private static final Object LOCK = new Object();
  private static ClassSecurityPredicate installedOver;

  static {
    install();
  }

  /**
   * For Avro's service loader; installs the trust (once) as a side effect of loading this class.
   */
  public GeneratedClassTrust() {}

  /**
   * Adds {@link #PREDICATE} to Avro's global class predicate, unless the current global predicate
   * is already the one this method installed. Idempotent and thread-safe.
   */
  public static void install() {
    synchronized (LOCK) {
      ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
      if (installedOver != null && current == installedOver) {
        return;
      }
      ClassSecurityPredicate widened = ClassSecurityValidator.composite(current, PREDICATE);
      ClassSecurityValidator.setGlobal(widened);
      installedOver = widened;
    }
  }

  static boolean isFacegateGenerated(Class<?> c) {
    Class<?> outer = c;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    return outer.getPackageName().equals(PACKAGE) && outer.isAnnotationPresent(AvroGenerated.class);
  }

  @Override
  public Class<Void> getConvertedType() {
    return Void.class;
  }

  @Override
  public String getLogicalTypeName() {
    return "io.facegate.generated-class-trust";
  }
}
