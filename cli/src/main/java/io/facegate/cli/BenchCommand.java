package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate bench}: benchmark inference and end-to-end throughput. Not in this build yet: says so and exits 2. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark inference and end-to-end throughput.", "(Not yet available in this build.)"})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
