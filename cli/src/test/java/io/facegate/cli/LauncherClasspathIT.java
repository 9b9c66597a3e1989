package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The class path that {@code ./facegate} runs with ({@code target/classpath.txt}, runtime scope)
 * holds every class facegate's own code refers to. A dependency demoted to test scope in this pom
 * passes every in-JVM test and then fails at run time with {@code NoClassDefFoundError}.
 */
class LauncherClasspathIT {

    @Test
    void everyClassFacegateCodeReferencesIsOnTheLauncherClasspath() throws Exception {
        String classpath = Files.readString(Path.of("target/classpath.txt")).strip();
        List<String> facegateJars = Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith("facegate-"))
                .toList();
        assertFalse(facegateJars.isEmpty(), "no facegate module jars on " + classpath);

        List<String> args = new ArrayList<>(List.of("--multi-release", "17", "--missing-deps", "-cp", classpath, "target/classes"));
        args.addAll(facegateJars);
        StringWriter out = new StringWriter();
        int code = ToolProvider.findFirst("jdeps").orElseThrow()
                .run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));

        assertEquals(0, code, out.toString());
        assertEquals("", out.toString().strip(), "classes referenced but missing from target/classpath.txt");
    }
}
