package io.facegate.cli;

import io.facegate.cli.publish.FaceImages;
import io.facegate.cli.publish.FramePublisher;
import io.facegate.schemas.FaceEvent;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facegate publish}: a folder of face images as camera events, at a steady rate. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish a folder of face images (folder-per-identity or flat) as FaceEvents to camera-frames,",
            "at a steady rate, with a progress line (sent, rate, errors)."})
public final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of PGM/PNG/JPEG faces.")
    private Path data;

    @Option(names = "--camera", defaultValue = "camera-1", paramLabel = "ID", description = "Camera id (default: ${DEFAULT-VALUE}).")
    private String camera;

    @Option(names = "--door", defaultValue = "door-1", paramLabel = "ID", description = "Door id, also the record key (default: ${DEFAULT-VALUE}).")
    private String door;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "EVENTS_PER_S", description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--loop", description = "Start over at the end of the folder, until Ctrl-C.")
    private boolean loop;

    @Option(names = "--claimed-identity-from-folder",
            description = "Claim the folder's identity (as a badge would): 1:1 verification instead of 1:N.")
    private boolean claimFromFolder;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<FaceImageRef> images;
        try {
            images = FaceImages.scan(data);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
        if (claimFromFolder && images.get(0).identity() == null) {
            throw new CommandFailedException("--claimed-identity-from-folder needs a folder-per-identity dataset; " + data + " is flat");
        }
        PrintWriter err = spec.commandLine().getErr();
        try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of());
             KafkaProducer<String, FaceEvent> producer = clients.producer(clients.topics().cameraFrames())) {
            FramePublisher publisher = new FramePublisher(producer, clients.topics().cameraFrames().name(), camera, door, rate, err);
            do {
                for (FaceImageRef image : images) {
                    publisher.publish(image, claimFromFolder ? image.identity() : null, event -> { });
                }
            } while (loop);
            publisher.finish();
            return publisher.errors() == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        }
    }
}
