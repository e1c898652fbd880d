package dev.franz.common.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --summary-json FILE}, as a picocli mixin: the program's summary for scripts, as JSON. */
public final class SummaryOption {

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Also write the final summary to FILE as JSON, for scripts.")
    Path file;

    /** Null when the option was not given. */
    public Path file() {
        return file;
    }
}
