package io.facegate.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate train}: train the Siamese face-embedding network and export it to ONNX. Not in this build yet: says so and exits 2. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the Siamese face-embedding network and export it to ONNX.", "(Not yet available in this build.)"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return Placeholder.unavailable(spec);
    }
}
