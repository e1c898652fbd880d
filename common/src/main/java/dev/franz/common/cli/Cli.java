package dev.franz.common.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.UserFacingException;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every Franz program does: {@code --help} and {@code --version},
 * usage and exit code 2 on bad arguments, a plain message and exit code 1 for a problem the user can
 * fix ({@link UserFacingException}), and a logged stack trace for anything else.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     System.exit(Cli.run(new MyProgram(), args));
 * }
 * }</pre>
 */
public final class Cli {

    private static final Logger log = LoggerFactory.getLogger(Cli.class);

    private Cli() {
    }

    /** Parses {@code args}, runs the command and returns its exit code; never calls System.exit. */
    public static int run(Object command, String... args) {
        return new CommandLine(command)
                // --compression LZ4, lz4 and Lz4 all work.
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Cli::handleFailure)
                .execute(args);
    }

    private static int handleFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof UserFacingException) {
            commandLine.getErr().println(e.getMessage());
        } else {
            log.error("{} failed unexpectedly", commandLine.getCommandName(), e);
        }
        return 1;
    }
}
