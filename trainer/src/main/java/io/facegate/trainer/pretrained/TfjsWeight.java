package io.facegate.trainer.pretrained;

import java.util.Arrays;

/**
 * One decoded TF.js weight: its name, shape and values, dequantised to what TF.js itself would hold
 * in memory. Exactly one of {@link #floats()} and {@link #ints()} is present, by {@link #dtype()}.
 *
 * @param name the weight's name in the manifest (the graph's Const node name for graph models)
 * @param shape dimensions, outermost first (empty for a scalar)
 * @param dtype the in-memory type
 * @param floatValues values of a {@code float32} weight, row-major; null for {@code int32}
 * @param intValues values of an {@code int32} weight, row-major; null for {@code float32}
 */
public record TfjsWeight(
    String name, int[] shape, Dtype dtype, float[] floatValues, int[] intValues) {

  /** In-memory dtypes facegate supports (TF.js also knows bool, string, complex64). */
  public enum Dtype {
    /** 32-bit float. */
    FLOAT32,
    /** 32-bit signed integer. */
    INT32
  }

  /** Checks that the values match the dtype and the shape. */
  public TfjsWeight {
    shape = shape.clone();
    long size = elementCount(name, shape);
    if ((dtype == Dtype.FLOAT32) != (floatValues != null)
        || (dtype == Dtype.INT32) != (intValues != null)) {
      throw new IllegalArgumentException(name + ": values do not match dtype " + dtype);
    }
    int length = floatValues != null ? floatValues.length : intValues.length;
    if (length != size) {
      throw new IllegalArgumentException(
          name + ": " + length + " values for shape " + Arrays.toString(shape));
    }
  }

  /** Number of elements a shape holds; rejects negative dimensions and sizes beyond an array. */
  static long elementCount(String name, int[] shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new TfjsFormatException(
            name + ": negative dimension in shape " + Arrays.toString(shape));
      }
      size = Math.multiplyExact(size, (long) d);
      if (size > Integer.MAX_VALUE - 8) {
        throw new TfjsFormatException(name + ": shape " + Arrays.toString(shape) + " is too large");
      }
    }
    return size;
  }

  /** The dimensions (a copy). */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The number of elements. */
  public int size() {
    return floatValues != null ? floatValues.length : intValues.length;
  }

  /**
   * The float values (a copy).
   *
   * @throws TfjsFormatException for an {@code int32} weight
   */
  public float[] floats() {
    if (floatValues == null) {
      throw new TfjsFormatException(name + " is " + dtype + ", not FLOAT32");
    }
    return floatValues.clone();
  }

  /**
   * The int values (a copy).
   *
   * @throws TfjsFormatException for a {@code float32} weight
   */
  public int[] ints() {
    if (intValues == null) {
      throw new TfjsFormatException(name + " is " + dtype + ", not INT32");
    }
    return intValues.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TfjsWeight w
        && name.equals(w.name)
        && Arrays.equals(shape, w.shape)
        && dtype == w.dtype
        && Arrays.equals(floatValues, w.floatValues)
        && Arrays.equals(intValues, w.intValues);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
