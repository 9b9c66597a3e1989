package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests and shards are written here byte by byte, so the decoding is checked against known
 * values.
 */
class TfjsWeightsTest {

  @TempDir Path dir;

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private Path manifest(String json) throws IOException {
    return Files.writeString(dir.resolve("m-weights_manifest.json"), json);
  }

  private void shard(String name, ByteBuffer b) throws IOException {
    Files.write(dir.resolve(name), b.array());
  }

  @Test
  void dequantisesUint8AsQTimesScalePlusMin() throws IOException {
    shard("a.bin", le(3).put((byte) 0).put((byte) 3).put((byte) 255));
    TfjsWeights w =
        TfjsWeights.readManifest(
            manifest(
                """
        [{"paths":["a.bin"],"weights":[{"name":"k","shape":[3],"dtype":"float32",
          "quantization":{"dtype":"uint8","scale":0.5,"min":-1.0}}]}]"""));
    assertArrayEquals(new float[] {-1f, 0.5f, 126.5f}, w.get("k").floats());
  }

  @Test
  void dequantisesInDoubleThenRoundsToFloatLikeAFloat32Array() throws IOException {
    // 1 * 0.1 + 1e-9 in double rounds to the float nearest 0.100000001; float arithmetic gives
    // another float
    shard("a.bin", le(1).put((byte) 1));
    TfjsWeights w =
        TfjsWeights.readManifest(
            manifest(
                """
        [{"paths":["a.bin"],"weights":[{"name":"k","shape":[1],"dtype":"float32",
          "quantization":{"dtype":"uint8","scale":0.1,"min":1e-9}}]}]"""));
    assertEquals((float) (0.1 + 1e-9), w.get("k").floats()[0]);
  }

  @Test
  void dequantisesUint16ToInt32WithJavaScriptRounding() throws IOException {
    shard("a.bin", le(6).putShort((short) 5).putShort((short) 3).putShort((short) 65535));
    TfjsWeights w =
        TfjsWeights.readManifest(
            manifest(
                """
        [{"paths":["a.bin"],"weights":[{"name":"i","shape":[3],"dtype":"int32",
          "quantization":{"dtype":"uint16","scale":0.5,"min":-3}}]}]"""));
    // -0.5 -> 0 and -1.5 -> -1: Math.round rounds halves up, as JS does
    assertArrayEquals(new int[] {0, -1, 32765}, w.get("i").ints());
  }

  @Test
  void widensFloat16IncludingSubnormalsAndSignedZero() throws IOException {
    int[] halves = {0x3C00, 0xC000, 0x0001, 0x03FF, 0x7BFF, 0x8000, 0x3555};
    ByteBuffer b = le(halves.length * 2);
    for (int h : halves) {
      b.putShort((short) h);
    }
    shard("a.bin", b);
    TfjsWeights w =
        TfjsWeights.readManifest(
            manifest(
                """
        [{"paths":["a.bin"],"weights":[{"name":"h","shape":[7],"dtype":"float32",
          "quantization":{"dtype":"float16","original_dtype":"float32"}}]}]"""));
    float[] v = w.get("h").floats();
    assertEquals(1f, v[0]);
    assertEquals(-2f, v[1]);
    assertEquals((float) Math.pow(2, -24), v[2]);
    assertEquals((float) (1023 * Math.pow(2, -24)), v[3]);
    assertEquals(65504f, v[4]);
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(v[5]));
    assertEquals(0.33325195f, v[6]);
  }

  @Test
  void float16InfinityAndNanAreCarriedOverByTheDecoder() {
    assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(0x7C00));
    assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat(0xFC00));
    assertTrue(Float.isNaN(Float16.toFloat(0x7E00)));
    assertTrue(Float.isNaN(Float16.toFloat(0x7C01)));
  }

  @Test
  void refusesAModelWithANonFiniteFloat16Weight() throws IOException {
    shard("a.bin", le(4).putShort((short) 0x3C00).putShort((short) 0x7E00));
    Path m =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"h","shape":[2],"dtype":"float32",
          "quantization":{"dtype":"float16"}}]}]""");
    TfjsFormatException e =
        assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
    assertTrue(
        e.getMessage().contains("h") && e.getMessage().contains("non-finite"), e.getMessage());
  }

  @Test
  void refusesAModelWithANanFloat32Weight() throws IOException {
    shard("a.bin", le(4).putFloat(Float.NaN));
    Path m =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"f","shape":[],"dtype":"float32"}]}]""");
    assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
  }

  @Test
  void readsFloat32AndInt32AcrossShardBoundariesInManifestOrder() throws IOException {
    ByteBuffer all =
        le(20).putFloat(1.5f).putFloat(-2.25f).putInt(-7).putInt(123456789).putFloat(3e-8f);
    byte[] bytes = all.array();
    // the second weight straddles the two shards
    Files.write(dir.resolve("s1.bin"), java.util.Arrays.copyOfRange(bytes, 0, 6));
    Files.write(dir.resolve("s2.bin"), java.util.Arrays.copyOfRange(bytes, 6, 20));
    TfjsWeights w =
        TfjsWeights.readManifest(
            manifest(
                """
        [{"paths":["s1.bin","s2.bin"],"weights":[
          {"name":"f","shape":[2,1],"dtype":"float32"},
          {"name":"i","shape":[2],"dtype":"int32"},
          {"name":"s","shape":[],"dtype":"float32"}]}]"""));
    assertEquals(List.of("f", "i", "s"), List.copyOf(w.names()));
    assertArrayEquals(new float[] {1.5f, -2.25f}, w.get("f").floats());
    assertArrayEquals(new int[] {2, 1}, w.get("f").shape());
    assertArrayEquals(new int[] {-7, 123456789}, w.get("i").ints());
    assertArrayEquals(new float[] {3e-8f}, w.get("s").floats());
    assertEquals(0, w.get("s").shape().length);
  }

  @Test
  void refusesShardsLongerOrShorterThanTheManifest() throws IOException {
    Path m =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"f","shape":[2],"dtype":"float32"}]}]""");
    shard("a.bin", le(9));
    TfjsFormatException longer =
        assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
    assertTrue(
        longer.getMessage().contains("hold 9 bytes") && longer.getMessage().contains("need 8"),
        longer.getMessage());
    shard("a.bin", le(7));
    assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
  }

  @Test
  void readsTheWeightsManifestOfAGraphModel() throws IOException {
    shard("g.bin", le(6).putFloat(0.25f).putShort((short) 0x4000));
    Path model =
        Files.writeString(
            dir.resolve("model.json"),
            """
        {"format":"graph-model","modelTopology":{"node":[]},
         "weightsManifest":[
           {"paths":["g.bin"],"weights":[
             {"name":"a","shape":[1],"dtype":"float32"},
             {"name":"b","shape":[1],"dtype":"float32","quantization":{"dtype":"float16","original_dtype":"float32"}}]}]}
        """,
            StandardCharsets.UTF_8);
    TfjsWeights w = TfjsWeights.readGraphModel(model);
    assertArrayEquals(new float[] {0.25f}, w.get("a").floats());
    assertArrayEquals(new float[] {2f}, w.get("b").floats());
  }

  @Test
  void refusesShardPathsOutsideTheModelFolder() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("m"));
    Files.write(dir.resolve("outside.bin"), new byte[4]);
    Path m =
        Files.writeString(
            sub.resolve("x.json"),
            """
        [{"paths":["../outside.bin"],"weights":[{"name":"f","shape":[1],"dtype":"float32"}]}]""");
    TfjsFormatException e =
        assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
    assertTrue(e.getMessage().contains("leaves the model folder"), e.getMessage());
  }

  @Test
  void refusesUnknownDtypesAndQuantisationWithoutScale() throws IOException {
    shard("a.bin", le(4));
    Path bool =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"b","shape":[4],"dtype":"bool"}]}]""");
    assertTrue(
        assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(bool))
            .getMessage()
            .contains("unsupported dtype 'bool'"));
    Path noScale =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"q","shape":[4],"dtype":"float32",
          "quantization":{"dtype":"uint8","min":0}}]}]""");
    assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(noScale));
  }

  @Test
  void refusesADuplicateWeightName() throws IOException {
    shard("a.bin", le(8));
    Path m =
        manifest(
            """
        [{"paths":["a.bin"],"weights":[{"name":"f","shape":[1],"dtype":"float32"},
                                       {"name":"f","shape":[1],"dtype":"float32"}]}]""");
    assertThrows(TfjsFormatException.class, () -> TfjsWeights.readManifest(m));
  }
}
