package dev.franz.common.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.SecurityFailures;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs a picocli command the way every Franz program does: {@code --help} and {@code --version},
 * usage and exit code 2 on bad arguments (also those found only when used: {@link BadOptionValueException}),
 * a plain message and exit code 1 for a problem the user can
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
        StaleClasses.warn(command.getClass(), System.err);
        return commandLine(command).execute(args);
    }

    /** Like {@link #run(Object, String...)}, with usage and error messages written to {@code err}. */
    public static int run(Object command, PrintWriter err, String... args) {
        return commandLine(command).setErr(err).execute(args);
    }

    /** The picocli CommandLine of a Franz program, as {@link #run} uses it (also to parse without running). */
    public static CommandLine commandLine(Object command) {
        CommandLine commandLine = new CommandLine(command)
                .setExecutionExceptionHandler(Cli::handleFailure);
        registerEnumConverters(commandLine);
        addHelpOptions(commandLine);
        return commandLine;
    }

    /**
     * {@code --help} on every subcommand at every depth ({@code admin-client topics create --help}), even one
     * that does not declare it: its own usage and exit code 0, not "Missing required option".
     */
    static void addHelpOptions(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        boolean hasHelp = spec.options().stream().anyMatch(OptionSpec::usageHelp);
        if (!hasHelp && spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        commandLine.getSubcommands().values().stream().distinct().forEach(Cli::addHelpOptions);
    }

    /**
     * Enumerated options accept any case (--compression LZ4, lz4), two-word values with a hyphen
     * (--via dual-write), and a wrong value is refused with
     * the allowed values in lower case, as the help shows them: "'brotli' is not allowed, it must be
     * one of: none, gzip, snappy, lz4, zstd".
     */
    static void registerEnumConverters(CommandLine commandLine) {
        List<ArgSpec> arguments = new ArrayList<>();
        collectArguments(commandLine, arguments);
        for (ArgSpec argument : arguments) {
            if (argument.type().isEnum()) {
                registerEnum(commandLine, argument.type());
            }
        }
    }

    /** The command's options and parameters, and those of its subcommands at every depth. */
    private static void collectArguments(CommandLine commandLine, List<ArgSpec> arguments) {
        arguments.addAll(commandLine.getCommandSpec().args());
        commandLine.getSubcommands().values().forEach(sub -> collectArguments(sub, arguments));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerEnum(CommandLine commandLine, Class<?> type) {
        Class enumType = type;
        commandLine.registerConverter(enumType, value -> lowerCaseEnum(enumType, value));
    }

    static <E extends Enum<E>> E lowerCaseEnum(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.strip().replace('-', '_'))) {
                return constant;
            }
        }
        // A constant of two words (DUAL_WRITE) is written as on the command line: dual-write.
        throw new TypeConversionException("'" + value + "' is not allowed, it must be one of: "
                + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", ")));
    }

    /**
     * The value of a setting that can be given as a named option or, as the original Python course took
     * it, as a word in its place ({@code basic-consumer orders my_group}): the one given, else
     * {@code defaultValue}; both given with different values is a usage error (exit 2).
     */
    public static <T> T givenOnce(CommandLine.Model.CommandSpec spec, String option, T optionValue,
                                  String positional, T positionalValue, T defaultValue) {
        if (optionValue != null && positionalValue != null && !optionValue.equals(positionalValue)) {
            throw new CommandLine.ParameterException(spec.commandLine(), positional + " '" + positionalValue + "' and "
                    + option + " '" + optionValue + "' both given: give it once, either way");
        }
        return optionValue != null ? optionValue : positionalValue != null ? positionalValue : defaultValue;
    }

    /**
     * The configuration the command (or a command it belongs to) loaded with its ConfigOptions, a mixin
     * of the command or of one of its mixins (a lesson's options class).
     */
    private static Optional<FranzConfig> loadedConfig(CommandSpec spec) {
        for (CommandSpec command = spec; command != null; command = command.parent()) {
            Optional<FranzConfig> loaded = loadedByMixins(command);
            if (loaded.isPresent()) {
                return loaded;
            }
        }
        return Optional.empty();
    }

    private static Optional<FranzConfig> loadedByMixins(CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof ConfigOptions options && options.loaded().isPresent()) {
                return options.loaded();
            }
            Optional<FranzConfig> nested = loadedByMixins(mixin);
            if (nested.isPresent()) {
                return nested;
            }
        }
        return Optional.empty();
    }

    private static int handleFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof BadOptionValueException badValue) {
            // Found when the value was used, not while parsing: reported the same way, with the usage of the
            // command that ran (admin-client topics create, not admin-client), exit code 2.
            return commandLine.getParameterExceptionHandler().handleParseException(
                    new CommandLine.ParameterException(commandLine, badValue.getMessage()),
                    parseResult.originalArgs().toArray(String[]::new));
        }
        // Refused by a secured broker (authentication, ACLs): fatal, and the learner's to fix.
        Optional<String> refused = loadedConfig(commandLine.getCommandSpec())
                .flatMap(config -> SecurityFailures.explain(e, config));
        if (refused.isPresent()) {
            commandLine.getErr().println(refused.get());
        } else if (e instanceof UserFacingException) {
            commandLine.getErr().println(e.getMessage());
        } else {
            log.error("{} failed unexpectedly", commandLine.getCommandName(), e);
        }
        return 1;
    }
}
