package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate publish}: publish camera face events, as a camera would. Not in this build yet: says so and exits 2. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish camera face events, as a camera would.", "(Not yet available in this build.)"})
public final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
