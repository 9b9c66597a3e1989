package io.facegate.trainer.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.SyntheticFaces;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run whose weights blow up stops with an error naming where, never hangs in the metrics. */
class TrainingDivergenceTest {

  @TempDir Path tmp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void anAbsurdLearningRateStopsTrainingWithTheEpochAndStep() throws Exception {
    FaceDataset data =
        FaceDataset.scan(List.of(SyntheticFaces.write(tmp.resolve("synthetic"), 6, 4, 32, 5)));
    List<String> ids = data.identities();
    IdentitySplit split = new IdentitySplit(ids.subList(0, 4), ids.subList(4, 6), List.of());
    // Adam moves every weight by about the learning rate per step: 1e30 overflows the activations
    TrainingOptions options =
        new TrainingOptions(
            3,
            LossKind.CONTRASTIVE,
            3,
            4,
            8,
            4,
            4,
            1e30f,
            0f,
            1f,
            100,
            false,
            32,
            1,
            List.of(8, 16),
            NetworkConfig.Pooling.AVERAGE,
            16,
            0.15,
            0.15,
            null,
            TripletLoss.Mining.SEMI_HARD);
    ImageStore store = new ImageStore(new Preprocessor(options.preprocess()));
    TrainingDivergedException e =
        assertThrows(
            TrainingDivergedException.class,
            () ->
                new SiameseTrainer(options, new PrintStream(OutputStream.nullOutputStream()))
                    .train(data, split, store, null));
    System.out.println("diverged run stopped with: " + e.getMessage());
    assertTrue(
        e.getMessage().contains("after epoch 1") || e.getMessage().contains("at epoch 1, step"),
        e.getMessage());
  }
}
