package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.config.ConfigDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/processor.md's settings table is the one rendered from {@link ProcessorConfig#DEFINITION}.
 */
class ProcessorConfigDocsTest {
  private static final String BEGIN =
      "<!-- processor-config:begin (rendered from ProcessorConfig.DEFINITION; ProcessorConfigDocsTest) -->\n";
  private static final String END = "<!-- processor-config:end -->";

  @Test
  void docsTableIsRenderedFromTheDefinitions() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "processor.md"));
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(
        begin >= 0 && end > begin,
        "docs/processor.md must hold the markers " + BEGIN.strip() + " ... " + END);
    String expected = ConfigDefinitions.markdownTable(ProcessorConfig.DEFINITION);
    assertEquals(
        expected,
        doc.substring(begin + BEGIN.length(), end),
        "docs/processor.md's settings table differs from ProcessorConfig.DEFINITION; the table should read:\n"
            + expected);
  }
}
