package io.facegate.schemas.history;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The schemas that are values of a topic, and so registered and versioned on their own. Nested
 * types ({@code FaceImage}, {@code SourceCoordinates}, the enums) are versioned as part of them.
 */
public final class TopLevelSchemas {
  private TopLevelSchemas() {}

  /** The current (generated) schema of each top-level type. */
  public static List<Schema> current() {
    return List.of(
        FaceEvent.getClassSchema(),
        Enrollment.getClassSchema(),
        EnrolledTemplate.getClassSchema(),
        AccessDecision.getClassSchema(),
        DeadLetter.getClassSchema());
  }
}
