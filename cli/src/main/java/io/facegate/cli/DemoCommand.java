package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate demo}: run the whole system on this machine and write a report. Not in this build yet: says so and exits 2. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole system on this machine and write a report.", "(Not yet available in this build.)"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
