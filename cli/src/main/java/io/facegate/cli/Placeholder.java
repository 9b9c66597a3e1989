package io.facegate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What a subcommand that has not landed yet does: say so plainly and exit 2. */
final class Placeholder {

    private Placeholder() {
    }

    static int unavailable(CommandSpec spec) {
        spec.commandLine().getErr().println(spec.name() + " is not yet available in this build");
        spec.commandLine().getErr().flush();
        return CommandLine.ExitCode.USAGE;
    }
}
