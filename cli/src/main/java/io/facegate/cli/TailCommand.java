package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate tail}: follow access decisions, as a door controller would. Not in this build yet: says so and exits 2. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Follow access decisions, as a door controller would.", "(Not yet available in this build.)"})
public final class TailCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
