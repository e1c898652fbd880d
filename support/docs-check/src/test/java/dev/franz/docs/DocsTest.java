package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.ConfigKey;
import picocli.CommandLine;

/**
 * The docs cannot rot: every command they show names a module or tool that exists and parses with
 * that program's own command-line definition, configuration.md lists every setting with its real
 * default, and every relative link resolves. A renamed option fails the build here.
 */
class DocsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern EXEC = Pattern.compile(
            "exec:java -pl ([\\w-]+)(?: -Dexec\\.args=(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s`]+[^\\s`.,;:)]))?");
    private static final Pattern BIN = Pattern.compile("(?<![\\w/.-])bin/([\\w-]+)([^`|#\\n]*)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern MAIN_CLASS = Pattern.compile("<mainClass>([\\w.]+)</mainClass>");

    @Test
    void everyDocumentedProgramCommandParsesWithThatProgramsOptions() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String line : Files.readAllLines(page)) {
                Matcher exec = EXEC.matcher(line);
                while (exec.find()) {
                    String module = exec.group(1);
                    String where = ROOT.relativize(page) + ": " + exec.group();
                    Path pom = ROOT.resolve(module).resolve("pom.xml");
                    if (!Files.exists(pom)) {
                        problems.add(where + ": no module " + module);
                        continue;
                    }
                    Matcher mainClass = MAIN_CLASS.matcher(Files.readString(pom));
                    if (!mainClass.find()) {
                        problems.add(where + ": module " + module + " has no main class");
                        continue;
                    }
                    String problem = parse(mainClass.group(1), arguments(exec.group(2)));
                    if (problem != null) {
                        problems.add(where + ": " + problem);
                    }
                    checked++;
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("commands checked").isGreaterThan(20);
    }

    @Test
    void everyDocumentedBinToolExistsAndDemoAndBenchmarkArgumentsParse() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String line : Files.readAllLines(page)) {
                Matcher bin = BIN.matcher(line);
                while (bin.find()) {
                    String tool = bin.group(1);
                    String where = ROOT.relativize(page) + ": bin/" + tool;
                    if (!Files.isRegularFile(ROOT.resolve("bin").resolve(tool))) {
                        problems.add(where + ": no such script in bin/");
                        continue;
                    }
                    String rest = bin.group(2).strip();
                    String programClass = switch (tool) {
                        case "demo" -> "dev.franz.demo.Demo";
                        case "benchmark" -> "dev.franz.benchmarks.BenchmarkHarness";
                        case "run" -> null; // bin/run <module> ...: checked below with the module's program
                        default -> null; // Kafka's own tools: their options are Kafka's
                    };
                    if (tool.equals("run") && rest.matches("[a-z][\\w-]*( .*)?") && !rest.contains("...")) {
                        String module = rest.split(" ", 2)[0];
                        Path pom = ROOT.resolve(module).resolve("pom.xml");
                        Matcher mainClass = MAIN_CLASS.matcher(Files.exists(pom) ? Files.readString(pom) : "");
                        if (!mainClass.find()) {
                            problems.add(where + bin.group(2) + ": no program " + module);
                        } else {
                            String problem = parse(mainClass.group(1), arguments(rest.substring(module.length()).strip()));
                            if (problem != null) {
                                problems.add(where + bin.group(2) + ": " + problem);
                            }
                        }
                    }
                    // In prose ("bin/demo, bin/benchmark", "bin/demo ...") the words after it are not its arguments.
                    boolean prose = rest.contains("...") || rest.matches("^[,;:.)].*");
                    if (programClass != null && !prose) {
                        String problem = parse(programClass, arguments(rest));
                        if (problem != null) {
                            problems.add(where + bin.group(2) + ": " + problem);
                        }
                    }
                    checked++;
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("bin/ commands checked").isGreaterThan(10);
    }

    @Test
    void configurationPageListsEverySettingWithItsDefault() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String defaultCell = key.defaultValue().isEmpty() ? "(none)" : "`" + key.defaultValue() + "`";
            assertThat(page).as("configuration.md row of " + key)
                    .contains("| `" + key.name() + "` | " + defaultCell + " |");
        }
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher link = LINK.matcher(Files.readString(page));
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                String[] pathAndAnchor = target.split("#", 2);
                Path file = pathAndAnchor[0].isEmpty() ? page : page.getParent().resolve(pathAndAnchor[0]).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (pathAndAnchor.length == 2 && file.toString().endsWith(".md")
                        && !anchors(file).contains(pathAndAnchor[1])) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    /** Parses without running; null if the arguments are fine, else picocli's message. */
    private static String parse(String className, List<String> arguments) throws Exception {
        var constructor = Class.forName(className).getDeclaredConstructor();
        constructor.setAccessible(true); // some programs have a package-private constructor for their tests
        Object program = constructor.newInstance();
        try {
            CommandLine commandLine = Cli.commandLine(program);
            CommandLine.ParseResult result = commandLine.parseArgs(arguments.toArray(String[]::new));
            return result.errors().isEmpty() ? null : result.errors().toString();
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** The words of -Dexec.args="..." (or of what follows bin/demo), split as a shell would. */
    static List<String> arguments(String raw) {
        List<String> words = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return words;
        }
        String text = raw.strip();
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2) {
            text = text.substring(1, text.length() - 1).replace("\\\"", "\"");
        }
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** GitHub's anchors of a Markdown file's headings. */
    private static List<String> anchors(Path file) throws IOException {
        List<String> anchors = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }
}
