package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.cli.FacegateClients;
import io.facegate.cli.LocalPipeline;
import io.facegate.cli.publish.Enroller;
import io.facegate.cli.publish.FaceImages;
import io.facegate.cli.publish.FramePublisher;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.trainer.data.FaceImageRef;
import java.io.File;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium and chromedriver, driven by Selenium) against
 * an in-process broker and processor: published events appear on the page within seconds with the
 * outcome and reason the processor committed, and a forgotten person's next event is DENIED. Skips
 * only where chromium is missing outside CI; with {@code CI=true} a missing browser fails.
 */
class DashboardBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void committedDecisionsAppearLiveWithOutcomeAndReason() throws Exception {
    requireBrowser();
    Path orl = Path.of(System.getProperty("facegate.datasets", "../shared/datasets"), "orl-faces");
    assumeTrue(
        Files.isDirectory(orl) || failInCi("ORL faces not found at " + orl),
        "ORL faces not found at " + orl);
    Path model = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("orl-tiny-1", 46, 56, 1, 2, 0.35f)
        .centred()
        .write(model.resolve("model.onnx"));
    FaceImageRef face = FaceImages.scan(orl).get(0);

    Map<String, String> processor =
        Map.of(ProcessorConfig.MODEL_DIR, model.toString(), ProcessorConfig.DEVICE, "cpu");
    try (LocalPipeline pipeline =
            LocalPipeline.start(processor, 2, tmp.resolve("state"), "dashboard-it");
        FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of());
        Dashboard dashboard =
            Dashboard.start(
                clients,
                new Dashboard.Options(
                    "127.0.0.1",
                    0,
                    null,
                    List.of(URI.create("http://127.0.0.1:" + pipeline.app().httpPort())),
                    pipeline.settings().get(ProcessorConfig.APPLICATION_ID),
                    false));
        KafkaProducer<String, FaceEvent> frames =
            clients.producer(clients.topics().cameraFrames());
        KafkaProducer<String, io.facegate.schemas.Enrollment> enrollments =
            clients.producer(clients.topics().enrollments())) {
      Enroller enroller = new Enroller(enrollments, clients.topics().enrollments().name());
      enroller.enroll("alice", "Alice", List.of(face));
      awaitGallery(pipeline, 1);

      WebDriver browser = browser(tmp.resolve("chromium-profile"));
      try {
        browser.get("http://127.0.0.1:" + dashboard.port() + "/");
        new WebDriverWait(browser, SHOWN_WITHIN)
            .until(b -> b.findElement(By.id("connection")).getText().equals("live"));
        FramePublisher door =
            new FramePublisher(
                frames, clients.topics().cameraFrames().name(), "it-camera", "it-door", 0, null);

        String granted = door.publish(face, "alice", e -> {});
        String unknown = door.publish(face, "mallory", e -> {});
        String broken = publishBroken(frames, clients.topics().cameraFrames().name());
        door.finish();
        assertRow(browser, granted, "GRANTED", "MATCH", "alice");
        assertRow(browser, unknown, "DENIED", "UNKNOWN_IDENTITY", "mallory");
        assertRow(browser, broken, "DENIED", "BAD_IMAGE", "-");

        enroller.forget("alice");
        awaitGallery(pipeline, 0);
        String afterForget = door.publish(face, "alice", e -> {});
        door.finish();
        assertRow(browser, afterForget, "DENIED", "UNKNOWN_IDENTITY", "alice");

        // the processors' panel comes from their /metrics: model version and gallery size
        new WebDriverWait(browser, SHOWN_WITHIN)
            .until(
                b -> {
                  String text = b.findElement(By.id("processors")).getText();
                  return text.contains("orl-tiny-1") && text.contains("UP");
                });
        // last-minute counts: one grant, three denials
        new WebDriverWait(browser, SHOWN_WITHIN)
            .until(
                b ->
                    b.findElement(By.id("granted")).getText().equals("1")
                        && b.findElement(By.id("denied")).getText().equals("3"));
        assertTrue(
            browser.findElements(By.cssSelector("img.probe")).isEmpty(),
            "a face image was shown without --show-probes");
      } finally {
        browser.quit();
      }
    }
  }

  private static void assertRow(
      WebDriver browser, String eventId, String outcome, String reason, String person) {
    WebElement row =
        new WebDriverWait(browser, SHOWN_WITHIN)
            .until(
                b ->
                    b.findElements(By.cssSelector("tr[data-event-id='" + eventId + "']")).stream()
                        .findFirst()
                        .orElse(null));
    assertEquals(
        outcome, row.findElement(By.className("outcome")).getText(), "outcome of " + eventId);
    assertEquals(reason, row.findElement(By.className("reason")).getText(), "reason of " + eventId);
    assertEquals(person, row.findElement(By.className("person")).getText(), "person of " + eventId);
  }

  private static String publishBroken(KafkaProducer<String, FaceEvent> frames, String topic)
      throws Exception {
    String id = UUID.randomUUID().toString();
    FaceEvent event =
        FaceEvent.newBuilder()
            .setEventId(id)
            .setCameraId("it-camera")
            .setDoorId("it-door")
            .setCaptureTime(Instant.now())
            .setClaimedIdentity(null)
            .setAttributes(Map.of())
            .setImage(
                FaceImage.newBuilder()
                    .setData(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                    .setEncoding(ImageEncoding.PNG)
                    .build())
            .build();
    frames.send(new ProducerRecord<>(topic, "it-door", event)).get();
    return id;
  }

  private static void awaitGallery(LocalPipeline pipeline, int size) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (pipeline.app().gallerySize() != size) {
      if (System.nanoTime() > deadline) {
        fail("gallery size " + pipeline.app().gallerySize() + ", expected " + size);
      }
      Thread.sleep(50);
    }
  }

  private static boolean failInCi(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + " (CI=true: the browser test must run)");
    }
    return false;
  }

  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String why =
        "chromium or chromedriver missing at "
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + " (apt-get install chromium chromium-driver; .ci/run does)";
    assumeTrue(present || failInCi(why), why);
  }

  /** Debian's chromium through its own chromedriver; no Selenium Manager, no download. */
  static WebDriver browser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
