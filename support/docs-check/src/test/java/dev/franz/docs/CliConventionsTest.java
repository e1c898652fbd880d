package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.SharedOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One set of command-line conventions for every program: the options several programs share have one
 * definition, an option name has one meaning in every program (label, value and the start of its help),
 * a count, a group and a topic are named options everywhere, and words in their place are accepted only
 * where the original course took them.
 */
class CliConventionsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern MAIN_CLASS = Pattern.compile("<mainClass>([\\w.]+)</mainClass>");
    /** Programs started by a script of bin/ rather than by a module's exec:java. */
    private static final List<String> SCRIPT_PROGRAMS = List.of("dev.franz.demo.Demo",
            "dev.franz.benchmarks.BenchmarkHarness");

    /** The shared options and the one class each is declared in. */
    private static final Map<String, Class<?>> SHARED = Map.of(
            "--print-every", SharedOptions.PrintEvery.class,
            "--idle-timeout", SharedOptions.IdleTimeout.class,
            "--max-messages", SharedOptions.MaxMessages.class);

    /** Names that would be a second way to say --count, --group or --topic. */
    private static final Set<String> SYNONYMS = Set.of("--orders", "--num", "--number", "--messages", "--jobs",
            "--num-messages", "--group-id", "--consumer-group", "-g", "--topic-name", "-t");

    /** The words the original Python course took (program: labels), each with the option it stands for. */
    private static final Map<String, Map<String, String>> COURSE_WORDS = Map.of(
            "basic-consumer", Map.of("TOPIC", "--topic", "GROUP", "--group"),
            "order-producer", Map.of("NUM_ORDERS", "--count", "INTERVAL_SECONDS", "--interval"));

    /** Labels of a word that names a count, a group or a topic. */
    private static final Pattern COUNT_GROUP_OR_TOPIC = Pattern.compile("N|COUNT|NUM_.*|GROUP|TOPIC");

    private static final List<CommandSpec> commands = new ArrayList<>();

    @BeforeAll
    static void everyProgramsCommands() throws Exception {
        for (String className : programs()) {
            var constructor = Class.forName(className).getDeclaredConstructor();
            constructor.setAccessible(true);
            addWithSubcommands(Cli.commandLine(constructor.newInstance()));
        }
    }

    @Test
    void everySharedOptionIsTheOneDefinitionInSharedOptions() {
        List<String> problems = new ArrayList<>();
        int found = 0;
        for (CommandSpec command : commands) {
            for (OptionSpec option : command.options()) {
                Class<?> definition = SHARED.get(option.longestName());
                if (definition == null) {
                    continue;
                }
                found++;
                OptionSpec one = CommandSpec.forAnnotatedObject(newInstance(definition)).findOption(option.longestName());
                Class<?> declaredIn = option.userObject() instanceof Field field ? field.getDeclaringClass() : null;
                if (declaredIn != definition) {
                    problems.add(command.qualifiedName() + " " + option.longestName() + " is declared in " + declaredIn
                            + ": use @Mixin " + definition.getName().replace('$', '.'));
                } else if (!List.of(option.names()).equals(List.of(one.names()))
                        || !option.paramLabel().equals(one.paramLabel())
                        || !String.join(" ", option.description()).equals(String.join(" ", one.description()))
                        || !String.valueOf(option.defaultValue()).equals(String.valueOf(one.defaultValue()))) {
                    problems.add(command.qualifiedName() + " " + option.longestName() + " differs from its definition");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(found).as("shared options found").isGreaterThanOrEqualTo(15);
    }

    @Test
    void aCountAGroupAndATopicAreNamedTheSameWayEverywhere() {
        List<String> problems = new ArrayList<>();
        int counts = 0;
        int groups = 0;
        int topics = 0;
        for (CommandSpec command : commands) {
            for (OptionSpec option : command.options()) {
                List<String> names = List.of(option.names());
                switch (option.longestName()) {
                    case "--count" -> {
                        counts++;
                        expect(problems, command, option, List.of("-n", "--count"), "N", "How many ");
                    }
                    case "--group" -> {
                        groups++;
                        expect(problems, command, option, List.of("--group"), "GROUP", "");
                    }
                    case "--topic" -> {
                        topics++;
                        expect(problems, command, option, List.of("--topic"), "TOPIC", "");
                    }
                    default -> names.stream().filter(SYNONYMS::contains).forEach(name -> problems.add(
                            command.qualifiedName() + " " + name + ": say it with --count, --group or --topic"));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(counts).as("--count options").isGreaterThanOrEqualTo(5);
        assertThat(groups).as("--group options").isGreaterThanOrEqualTo(7);
        assertThat(topics).as("--topic options").isGreaterThanOrEqualTo(5);
    }

    @Test
    void wordsInPlaceOfAnOptionOnlyWhereTheOriginalCourseTookThem() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec command : commands) {
            Map<String, String> allowed = COURSE_WORDS.getOrDefault(command.qualifiedName(), Map.of());
            for (PositionalParamSpec word : command.positionalParameters()) {
                String option = allowed.get(word.paramLabel());
                if (option != null) {
                    if (command.findOption(option) == null) {
                        problems.add(command.qualifiedName() + " " + word.paramLabel() + " has no option " + option);
                    }
                } else if (COUNT_GROUP_OR_TOPIC.matcher(word.paramLabel()).matches()) {
                    problems.add(command.qualifiedName() + " takes " + word.paramLabel() + " as a word: make it an option");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Option names with more than one way to begin their help, each way a side of the same meaning: a
     * program's description must begin with one of these (and then its label and value are compared as
     * for every other name).
     */
    private static final Map<String, List<String>> MEANINGS = Map.of(
            // the consumer or share group this program joins, or (admin-client) the group it looks at
            "--group", List.of("Consumer group", "Share group", "The group"),
            // the port a local server listens on: for its clients, or for its web page or API
            "--port", List.of("Port of", "Port clients"),
            // start from nothing: the local broker's or database's data directory emptied first
            "--reset", List.of("Delete all", "Delete every"),
            // which copy of a program this is: the exact start options.md gives it
            "--instance", List.of("Which copy of this program this is (1, 2, ...), so copies run side by side:"
                    + " it ends the client id"));

    /** Names whose label is fixed even where only one program has it yet. */
    private static final Map<String, String> LABELS = Map.of(
            "--instance", "N",
            "--report-interval", "SECONDS",
            "--interval", "SECONDS",
            "--group", "GROUP");

    /**
     * A program's option that keeps its own label, value or help beside another program's of the same name,
     * each with why.
     */
    private static final Map<String, String> OWN_MEANING = Map.of(
            "local-connect --group", "Kafka Connect's group.id: the group its workers join, so a group this"
                    + " program joins too, but one of Connect workers, not consumers",
            "stream-processing --group-protocol", "Kafka's group.protocol, as for basic-consumer, but a Streams"
                    + " application takes classic or streams where a consumer takes classic or consumer",
            "outbox connectors register --only", "acts only on the connectors named, as the benchmark runs only"
                    + " the scenario groups named: only these, of a different kind of thing",
            "local-kafka --port", "local-kafka checks its port with a converter of its own (the module does not"
                    + " depend on common), the same range as Numbers.Port",
            "local-postgres --port", "local-postgres checks its port with a converter of its own (the module does"
                    + " not depend on common), the same range as Numbers.Port");

    /** Old names, each with the one name the course uses for the same thing now. */
    private static final Map<String, String> RENAMED = Map.of(
            "--pause-ms", "--interval",
            "--pause", "--interval",
            "--stats-interval", "--report-interval",
            "--print-interval", "--report-interval",
            "--worker", "--instance");

    @Test
    void everyOptionNameHasOneMeaningAcrossTheCourse() {
        assertThat(meaningProblems(commands)).isEmpty();
    }

    @Test
    void aNameGivenASecondMeaningIsCaughtWithTheOptionAndBothPrograms() {
        List<CommandSpec> withPlanted = new ArrayList<>(commands);
        withPlanted.add(CommandLine.Model.CommandSpec.forAnnotatedObject(new IntervalMeaningACount()));

        String firstWithInterval = commands.stream().filter(command -> command.findOption("--interval") != null)
                .findFirst().orElseThrow().qualifiedName();

        assertThat(meaningProblems(withPlanted)).anySatisfy(problem -> assertThat(problem)
                .startsWith("--interval: " + firstWithInterval + " takes SECONDS").contains("planted-program N"));
    }

    /** A program that takes --interval for a count, as a learner's copy might. */
    @CommandLine.Command(name = "planted-program")
    static final class IntervalMeaningACount {
        @CommandLine.Option(names = "--interval", paramLabel = "N",
                converter = dev.franz.common.cli.Numbers.Positive.class, description = "How many sends in a row.")
        long interval;
    }

    /** Every option name's label, value (its type and converter) and start of help, compared across programs. */
    static List<String> meaningProblems(List<CommandSpec> commands) {
        List<String> problems = new ArrayList<>();
        Map<String, OptionSpec> first = new java.util.TreeMap<>();
        Map<String, String> firstProgram = new java.util.HashMap<>();
        for (CommandSpec command : commands) {
            for (OptionSpec option : command.options()) {
                String name = option.longestName();
                String where = command.qualifiedName() + " " + name;
                if (option.usageHelp() || option.versionHelp() || OWN_MEANING.containsKey(where)) {
                    continue;
                }
                if (RENAMED.containsKey(name)) {
                    problems.add(name + ": " + command.qualifiedName() + " takes it, the course says " + RENAMED.get(name));
                }
                String label = LABELS.get(name);
                if (label != null && !label.equals(option.paramLabel())) {
                    problems.add(name + ": " + command.qualifiedName() + " labels it " + option.paramLabel()
                            + ", the course " + label);
                }
                List<String> starts = MEANINGS.get(name);
                String description = String.join(" ", option.description());
                if (starts != null && starts.stream().noneMatch(description::startsWith)) {
                    problems.add(name + ": " + command.qualifiedName() + "'s help '" + description
                            + "' begins with none of " + starts);
                }
                OptionSpec one = first.putIfAbsent(name, option);
                if (one == null) {
                    firstProgram.put(name, command.qualifiedName());
                    continue;
                }
                boolean sameStart = starts != null || helpStart(description).equals(helpStart(
                        String.join(" ", one.description())));
                if (!one.paramLabel().equals(option.paramLabel()) || !value(one).equals(value(option)) || !sameStart) {
                    problems.add(name + ": " + firstProgram.get(name) + " takes " + meaning(one) + ", "
                            + command.qualifiedName() + " " + meaning(option));
                }
            }
        }
        return problems;
    }

    /** The first two words of a help text, without case or punctuation: where its meaning is said. */
    private static String helpStart(String description) {
        String[] words = description.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} ]", " ")
                .trim().split("\\s+");
        return String.join(" ", List.of(words).subList(0, Math.min(2, words.length)));
    }

    /** The value an option takes: its type (an enum by its constants, int and Integer alike) and its converter. */
    private static String value(OptionSpec option) {
        Class<?> type = option.type();
        String typeName = type.isEnum() ? List.of(type.getEnumConstants()).toString()
                : type.isPrimitive() ? java.lang.invoke.MethodType.methodType(type).wrap().returnType().getSimpleName()
                : type.getSimpleName();
        CommandLine.ITypeConverter<?>[] converters = option.converters();
        String converter = converters == null || converters.length == 0 ? "no converter"
                : converters[0].getClass().getName().replaceFirst(".*\\.", "").replace('$', '.');
        return typeName + " (" + converter + ")";
    }

    private static String meaning(OptionSpec option) {
        return option.paramLabel() + " " + value(option) + " '" + String.join(" ", option.description()) + "'";
    }

    /**
     * Numeric options that take any number, negative too, each with why: every other number is checked
     * before any client is created ({@link dev.franz.common.cli.Numbers}), so that {@code --limit -5} is one
     * line naming the option and exit code 2, not a run that makes no sense.
     */
    private static final Map<String, String> ANY_NUMBER = Map.of(
            "--seed", "a random seed: every long is one");

    /** Numeric options checked by their program when it runs instead (the same line, exit code 2), with where. */
    private static final Map<String, String> CHECKED_WHEN_RUN = Map.of();

    private static final Set<Class<?>> NUMBERS = Set.of(int.class, long.class, short.class, double.class, float.class,
            Integer.class, Long.class, Short.class, Double.class, Float.class, java.math.BigDecimal.class,
            java.math.BigInteger.class);

    @Test
    void everyNumericOptionRefusesANegativeNumberOrNotANumberBeforeRunning() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CommandSpec command : commands) {
            for (OptionSpec option : command.options()) {
                if (!NUMBERS.contains(option.type()) || ANY_NUMBER.containsKey(option.longestName())
                        || CHECKED_WHEN_RUN.containsKey(command.qualifiedName() + " " + option.longestName())) {
                    continue;
                }
                checked++;
                for (String bad : List.of("-1", "NaN", "Infinity")) {
                    if (accepts(option, bad)) {
                        problems.add(command.qualifiedName() + " " + option.longestName() + " accepts " + bad);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("numeric options").isGreaterThanOrEqualTo(40);
    }

    @Test
    void everyTopicOptionOrWordRefusesANameKafkaRefuses() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CommandSpec command : commands) {
            List<CommandLine.Model.ArgSpec> topics = new ArrayList<>();
            command.options().stream().filter(option -> option.longestName().matches("--(.+-)?topic"))
                    .forEach(topics::add);
            command.positionalParameters().stream().filter(word -> word.paramLabel().equals("TOPIC"))
                    .forEach(topics::add);
            for (CommandLine.Model.ArgSpec topic : topics) {
                checked++;
                String name = topic instanceof OptionSpec option ? option.longestName() : topic.paramLabel();
                for (String bad : List.of("", ".", "..", "a b", "orders/1", "x".repeat(250))) {
                    if (accepts(topic, bad)) {
                        problems.add(command.qualifiedName() + " " + name + " accepts '" + bad + "'");
                    }
                }
                if (!accepts(topic, "orders.v2_x-1") || !accepts(topic, "x".repeat(249))) {
                    problems.add(command.qualifiedName() + " " + name + " refuses a good topic name");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("topic options and words").isGreaterThanOrEqualTo(8);
    }

    /** Whether the option's own converter takes {@code value} (an option without one takes any number). */
    private static boolean accepts(CommandLine.Model.ArgSpec option, String value) {
        CommandLine.ITypeConverter<?>[] converters = option.converters();
        if (converters == null || converters.length == 0) {
            return true;
        }
        try {
            converters[0].convert(value);
            return true;
        } catch (CommandLine.TypeConversionException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(option + ": its converter failed on '" + value + "' with " + e, e);
        }
    }

    private static void expect(List<String> problems, CommandSpec command, OptionSpec option, List<String> names,
                               String label, String descriptionStart) {
        String description = String.join(" ", option.description());
        if (!List.of(option.names()).equals(names) || !option.paramLabel().equals(label)
                || !description.startsWith(descriptionStart)) {
            problems.add(command.qualifiedName() + " " + List.of(option.names()) + " " + option.paramLabel()
                    + ": expected " + names + " " + label + (descriptionStart.isEmpty() ? "" : ", help starting '"
                    + descriptionStart + "'"));
        }
    }

    private static void addWithSubcommands(CommandLine commandLine) {
        commands.add(commandLine.getCommandSpec());
        commandLine.getSubcommands().values().stream().distinct().forEach(CliConventionsTest::addWithSubcommands);
    }

    private static List<String> programs() throws IOException {
        List<String> programs = new ArrayList<>(SCRIPT_PROGRAMS);
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path pom : modules.map(module -> module.resolve("pom.xml")).filter(Files::exists).sorted().toList()) {
                Matcher mainClass = MAIN_CLASS.matcher(Files.readString(pom));
                if (mainClass.find()) {
                    programs.add(mainClass.group(1));
                }
            }
        }
        assertThat(programs).as("programs").hasSizeGreaterThanOrEqualTo(12);
        return programs;
    }

    private static Object newInstance(Class<?> type) {
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
