package io.facegate.trainer.pretrained;

/**
 * IEEE 754 binary16 to binary32, bit-exact with TF.js's {@code getFloat16Decoder} (tfjs-core {@code
 * io/io_utils}): its mantissa/exponent/offset tables compute the standard conversion, subnormals
 * normalised, infinities and NaN (payload kept) carried over. Java 17 has no {@code
 * Float.float16ToFloat} (added in 20).
 */
final class Float16 {

  private Float16() {}

  /**
   * @param bits the 16 bits in the low half of an int
   */
  static float toFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal half: shift the leading one into the implicit bit, one exponent step per shift
      int e = 113;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        e--;
      }
      return Float.intBitsToFloat(sign | (e << 23) | ((mantissa & 0x3ff) << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
