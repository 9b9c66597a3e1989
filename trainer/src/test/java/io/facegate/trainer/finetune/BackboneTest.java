package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneTest {

  @TempDir Path tmp;

  private Path model(Path dir) throws Exception {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve(Backbone.MODEL_FILE), "not really onnx");
  }

  @Test
  void scratchIsNoBackbone() {
    assertTrue(Backbone.isScratch("scratch"));
    assertTrue(Backbone.isScratch(" Scratch "));
    assertFalse(Backbone.isScratch("faceres"));
    assertThrows(IllegalArgumentException.class, () -> Backbone.resolve("scratch", tmp));
  }

  @Test
  void aNameResolvesInsideTheRegistryAndPretrainedIsTheRecommendedOne() throws Exception {
    Path registry = tmp.resolve("backbones");
    Path faceres = model(registry.resolve("faceres"));
    Path dlib = model(registry.resolve("dlib-resnet"));
    assertEquals(new Backbone("faceres", faceres), Backbone.resolve("pretrained", registry));
    assertEquals(new Backbone("faceres", faceres), Backbone.resolve("faceres", registry));
    assertEquals(new Backbone("dlib-resnet", dlib), Backbone.resolve("dlib-resnet", registry));
  }

  @Test
  void aPathToAFolderOrToTheFileIsTakenAsIs() throws Exception {
    Path file = model(tmp.resolve("somewhere/my-net"));
    Backbone byFolder = Backbone.resolve(file.getParent().toString(), tmp.resolve("unused"));
    assertEquals("my-net", byFolder.name());
    assertEquals(file, byFolder.modelFile());
    assertEquals(file, Backbone.resolve(file.toString(), tmp.resolve("unused")).modelFile());
  }

  @Test
  void anUnknownNameSaysWhereItLookedAndWhatExists() throws Exception {
    Path registry = tmp.resolve("backbones");
    model(registry.resolve("dlib-resnet"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Backbone.resolve("pretrained", registry));
    assertTrue(
        e.getMessage().contains(registry.resolve("faceres").resolve("model.onnx").toString()),
        e.getMessage());
    assertTrue(e.getMessage().contains("holds dlib-resnet"), e.getMessage());
    assertTrue(
        e.getMessage().contains("known names: scratch, pretrained = faceres"), e.getMessage());
  }

  @Test
  void aFolderWithoutModelOrAMissingPathIsRefused() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Backbone.resolve(empty.toString(), tmp))
            .getMessage()
            .contains("has no model.onnx"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Backbone.resolve(tmp.resolve("gone/model.onnx").toString(), tmp))
            .getMessage()
            .contains("no such"));
  }
}
