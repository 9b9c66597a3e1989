package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate replay}: replay a recorded stream and report accuracy, loss and latency. Not in this build yet: says so and exits 2. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a recorded stream and report accuracy, loss and latency.", "(Not yet available in this build.)"})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
