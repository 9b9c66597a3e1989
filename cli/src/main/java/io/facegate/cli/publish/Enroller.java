package io.facegate.cli.publish;

import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes {@link Enrollment}s (key: identity id): enrol a person with K images, or forget them.
 */
public final class Enroller {

  private final Producer<String, Enrollment> producer;
  private final String topic;
  private final ImageKind kind;

  /**
   * @param producer writes enrollments
   * @param topic the enrollments topic name
   */
  public Enroller(Producer<String, Enrollment> producer, String topic) {
    this(producer, topic, ImageKind.CROP);
  }

  /**
   * An enroller whose images are all of {@code kind} (crops, or whole frames the processor
   * searches).
   */
  public Enroller(Producer<String, Enrollment> producer, String topic, ImageKind kind) {
    this.producer = producer;
    this.topic = topic;
    this.kind = kind;
  }

  /**
   * Enrols one person; the processor builds their template from all the images.
   *
   * @throws IOException when an image cannot be read
   */
  public void enroll(String identityId, String displayName, List<FaceImageRef> images)
      throws IOException {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no image to enrol " + identityId + " with");
    }
    List<FaceImage> faces = new ArrayList<>(images.size());
    for (FaceImageRef ref : images) {
      faces.add(FaceImages.read(ref.path(), ref.format(), kind));
    }
    send(
        Enrollment.newBuilder()
            .setIdentityId(identityId)
            .setDisplayName(displayName)
            .setAction(EnrollmentAction.ENROLL)
            .setImages(faces)
            .setRequestedAt(Instant.now())
            .build());
  }

  /** Asks the processor to forget a person: their template is removed (a tombstone). */
  public void forget(String identityId) {
    send(
        Enrollment.newBuilder()
            .setIdentityId(identityId)
            .setAction(EnrollmentAction.FORGET)
            .setImages(List.of())
            .setRequestedAt(Instant.now())
            .build());
  }

  /** Waits until every enrollment was acknowledged. */
  public void flush() {
    producer.flush();
  }

  private void send(Enrollment enrollment) {
    try {
      producer.send(new ProducerRecord<>(topic, enrollment.getIdentityId(), enrollment)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while enrolling " + enrollment.getIdentityId(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "enrolling " + enrollment.getIdentityId() + " failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
