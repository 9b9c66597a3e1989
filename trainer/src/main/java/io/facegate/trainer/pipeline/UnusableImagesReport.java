package io.facegate.trainer.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.UnusableImage;
import java.io.PrintStream;
import java.util.List;

/**
 * How {@code train} and {@code evaluate} report the images they skipped: a log line and a JSON
 * block.
 */
final class UnusableImagesReport {

  /** Enough to find the pattern; the counts cover every image. */
  private static final int EXAMPLES = 20;

  private UnusableImagesReport() {}

  static void print(PrintStream out, FaceDataset data) {
    List<UnusableImage> skipped = data.unusable();
    if (skipped.isEmpty()) {
      return;
    }
    out.printf(
        "skipped %d unusable images %s (--strict-images fails instead); first: %s: %s%n",
        skipped.size(), data.unusableByReason(), skipped.get(0).path(), skipped.get(0).detail());
  }

  /**
   * {@code {"count": n, "by_reason": {...}, "examples": [{path, identity, reason, detail}, ...]}}.
   */
  static ObjectNode json(ObjectMapper mapper, FaceDataset data) {
    ObjectNode n = mapper.createObjectNode();
    n.put("count", data.unusable().size());
    ObjectNode by = n.putObject("by_reason");
    data.unusableByReason().forEach(by::put);
    ArrayNode examples = n.putArray("examples");
    for (UnusableImage u : data.unusable().subList(0, Math.min(EXAMPLES, data.unusable().size()))) {
      ObjectNode e = examples.addObject();
      e.put("path", u.path().toString());
      e.put("identity", u.identity());
      e.put("reason", u.reason());
      e.put("detail", u.detail());
    }
    return n;
  }
}
