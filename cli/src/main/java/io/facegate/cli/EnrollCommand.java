package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate enroll}: enroll a person from face images, or forget them. Not in this build yet: says so and exits 2. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = {"Enroll a person from face images, or forget them.", "(Not yet available in this build.)"})
public final class EnrollCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
