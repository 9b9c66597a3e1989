package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared import path picks each network's package and passes a fetch failure through untouched.
 */
class EmbeddingImportTest {

  @TempDir Path dir;

  private final List<PretrainedPackage> asked = new ArrayList<>();
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

  private final EmbeddingImport.Source unavailable =
      pkg -> {
        asked.add(pkg);
        throw new PretrainedFetchException("no npm for " + pkg.spec());
      };

  private final ThresholdSource given = new ThresholdSource.Given(0.9f, "test");

  @Test
  void theEmbeddingNetworksAreFaceresAndDlibResnet() {
    assertEquals(List.of("faceres", "dlib-resnet"), EmbeddingImport.names());
    assertTrue(EmbeddingImport.isEmbedding("faceres"));
    assertFalse(EmbeddingImport.isEmbedding("landmarks68"));
  }

  @Test
  void eachNetworkFetchesItsOwnPackageAndAFetchFailureComesThrough() {
    PretrainedFetchException faceres =
        assertThrows(
            PretrainedFetchException.class,
            () ->
                EmbeddingImport.run(
                    "faceres",
                    unavailable,
                    given,
                    FaceresImport.SHIPPED_RECIPE,
                    "test",
                    dir.resolve("a"),
                    quiet));
    PretrainedFetchException dlib =
        assertThrows(
            PretrainedFetchException.class,
            () ->
                EmbeddingImport.run(
                    "dlib-resnet",
                    unavailable,
                    given,
                    EmbeddingImport.Recipe.AS_PUBLISHED,
                    "test",
                    dir.resolve("b"),
                    quiet));

    assertEquals(List.of(PretrainedCatalogue.HUMAN_MODELS, PretrainedCatalogue.FACE_API), asked);
    assertTrue(
        faceres.getMessage().contains(PretrainedCatalogue.HUMAN_MODELS.spec()),
        faceres.getMessage());
    assertTrue(dlib.getMessage().contains(PretrainedCatalogue.FACE_API.spec()), dlib.getMessage());
    assertFalse(
        Files.exists(dir.resolve("a/model.onnx")) || Files.exists(dir.resolve("b/model.onnx")));
  }

  @Test
  void aLandmarkOrUnknownNetworkIsRefusedBeforeAnyFetch() {
    for (String name : List.of("landmarks68", "arcface")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  EmbeddingImport.run(
                      name,
                      unavailable,
                      given,
                      EmbeddingImport.Recipe.AS_PUBLISHED,
                      "test",
                      dir.resolve(name),
                      quiet));
      assertTrue(e.getMessage().contains("supported: [faceres, dlib-resnet]"), e.getMessage());
    }
    assertEquals(List.of(), asked);
  }

  @Test
  void onlyFaceresIsShippedWithARecipeAndNoOtherNetworkCanBeAskedForOne() {
    assertEquals(
        new EmbeddingImport.Recipe(true, true, true), EmbeddingImport.shippedRecipe("faceres"));
    assertEquals(EmbeddingImport.Recipe.AS_PUBLISHED, EmbeddingImport.shippedRecipe("dlib-resnet"));
    for (EmbeddingImport.Recipe recipe :
        List.of(
            new EmbeddingImport.Recipe(true, false, false),
            new EmbeddingImport.Recipe(false, true, false),
            new EmbeddingImport.Recipe(false, false, true))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  EmbeddingImport.run(
                      "dlib-resnet", unavailable, given, recipe, "test", dir.resolve("m"), quiet));
      assertTrue(e.getMessage().contains("faceres only"), e.getMessage());
    }
    assertEquals(List.of(), asked, "refused before any fetch");
  }
}
