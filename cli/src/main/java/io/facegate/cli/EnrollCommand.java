package io.facegate.cli;

import io.facegate.cli.publish.Enroller;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate enroll}: enrol the people of a folder-per-identity dataset, or forget one person.
 */
@Command(
    name = "enroll",
    mixinStandardHelpOptions = true,
    description = {
      "Enrol people (K images each; the rest are left for probing), or forget one person.",
      "Identities are <dataset folder name>/<person folder name>, as the trainer names them."
    })
public final class EnrollCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private What what;

  static final class What {
    @Option(
        names = "--data",
        paramLabel = "DIR",
        description = "Folder-per-identity dataset to enrol.")
    Path data;

    @Option(
        names = "--forget",
        paramLabel = "ID",
        description = "Forget this identity: its template is removed.")
    String forget;
  }

  @Option(
      names = "--images-per-person",
      defaultValue = "3",
      paramLabel = "K",
      description =
          "Images per person used for the template, in file-name order (default: ${DEFAULT-VALUE}).")
  private int imagesPerPerson;

  @Option(
      names = "--frames",
      description =
          "The images are whole camera frames: the processor finds the face "
              + "(the model must name a face detector).")
  private boolean frames;

  @Override
  public Integer call() throws IOException {
    if (imagesPerPerson < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--images-per-person must be at least 1");
    }
    FaceDataset dataset = null;
    if (what.data != null) {
      try {
        dataset = FaceDataset.scan(List.of(what.data));
      } catch (DatasetException e) {
        throw new CommandFailedException(e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of());
        KafkaProducer<String, Enrollment> producer =
            clients.producer(clients.topics().enrollments())) {
      Enroller enroller =
          new Enroller(
              producer,
              clients.topics().enrollments().name(),
              frames ? ImageKind.FRAME : ImageKind.CROP);
      if (dataset == null) {
        enroller.forget(what.forget);
        out.println("asked to forget " + what.forget);
        return CommandLine.ExitCode.OK;
      }
      int people = 0;
      int images = 0;
      for (String identity : dataset.identities()) {
        List<FaceImageRef> all = dataset.images(identity);
        List<FaceImageRef> chosen = all.subList(0, Math.min(imagesPerPerson, all.size()));
        enroller.enroll(identity, identity, chosen);
        people++;
        images += chosen.size();
      }
      enroller.flush();
      out.printf(
          "enrolled %d people with %d images (up to %d each)%n", people, images, imagesPerPerson);
      return CommandLine.ExitCode.OK;
    }
  }
}
