package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate processor}: run the stream processor (camera frames to access decisions). Not in this build yet: says so and exits 2. */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = {"Run the stream processor (camera frames to access decisions).", "(Not yet available in this build.)"})
public final class ProcessorCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
