package dev.franz.docs;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnitAccess;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * What the README promises a learner, checked on the compiled classes: a lesson's whole Kafka story is
 * in the file named after the lesson (its "story file"), or in the few files listed for it in
 * {@link #STORY_FILES} with the reason. Kafka use anywhere else in the lesson's module fails, naming the
 * class and what it uses: a call, a method reference ({@code consumer::wakeup}) or a constructor call
 * or reference of a Kafka client (consumer, share consumer, producer, Admin, KafkaStreams), of the Kafka
 * Streams DSL ({@code StreamsBuilder}, {@code Topology}, {@code KStream}, {@code KTable}, the grouped
 * and windowed streams, {@code Consumed}, {@code Materialized}...), of a store's interactive queries or
 * of Kafka Connect's API; and a class that implements a rebalance listener (named or anonymous).
 * Reading a record, a windowed key or a client's metrics, assignment or lag (printing) is not the
 * story. Not checked: a lambda given to Kafka whose body makes no such call, and Kafka Streams'
 * exception handlers, which Streams makes from a class name (stream-processing's {@code SkipAndDeadLetter}).
 * {@code ArchitectureTestOnPlantedClassesTest} shows each kind of use fails, on classes planted in lesson
 * packages.
 *
 * <p>Classes are read with ArchUnit from the modules' jars or class folders on this module's test class
 * path (each lesson is a test dependency in {@code support/docs-check/pom.xml}); a package belongs to
 * the module whose {@code src/main/java} holds it; a class's file is its SourceFile attribute.
 */
class ArchitectureTest {

    /**
     * Each lesson module and the source files its Kafka story is told in. One file, named after the
     * lesson, unless the comment says why a module has more.
     */
    static final Map<String, Set<String>> STORY_FILES = new TreeMap<>(Map.ofEntries(
            entry("basic-producer", Set.of("BasicProducer.java")),
            // Where a consumer starts (from the beginning, an offset or a time: seek, offsetsForTimes) is
            // its own small part of the story, told in StartPosition beside the loop.
            entry("basic-consumer", Set.of("BasicConsumer.java", "StartPosition.java")),
            entry("order-producer", Set.of("OrderProducer.java")),
            entry("payment-service", Set.of("PaymentService.java")),
            entry("notification-service", Set.of("NotificationService.java")),
            // `share-consumer jobs --count N` is a second program, the producer that fills the queue:
            // its story is its own file; and `--as consumer-group`, the same work done by a consumer
            // group for comparison, is a third, with its own loop and rebalance listener.
            entry("share-consumer", Set.of("ShareConsumerLesson.java", "Jobs.java", "ConsumerGroupWorker.java")),
            // Two engines side by side, one file each; then the Streams engine's topologies and its
            // interactive queries, each in its own file; and the profiles topic both engines join with
            // (UserProfiles creates and fills it, and reads it to its end for the plain engine).
            entry("stream-processing", Set.of("PlainEngine.java", "StreamsEngine.java", "StreamsTopologies.java",
                    "StateQueries.java", "UserProfiles.java")),
            // Two sides, one file each: the program and its writers (produce, bad-records) in
            // SchemaEvolutionLesson, its readers (consume with its dead letters, wire) in OrderReaders.
            entry("schema-evolution", Set.of("SchemaEvolutionLesson.java", "OrderReaders.java")),
            // `outbox connectors register` is a second program, in Connectors: it creates the sink's
            // dead-letter topic (Admin) before registering the connectors over Connect's REST API
            // (ConnectRest, with the connectors' settings: no Kafka client).
            entry("outbox", Set.of("OrderService.java", "Connectors.java")),
            // The Admin API manages several things: one file per thing managed (topics, consumer groups,
            // share groups, ACLs), each command's Admin calls in one method of it.
            entry("admin-client", Set.of("TopicAdmin.java", "GroupAdmin.java", "ShareGroupAdmin.java",
                    "AclAdmin.java")),
            // The doctor's program: its options and its one Admin client; the look itself is in diagnosis,
            // which the live view shares.
            entry("doctor", Set.of("Doctor.java")),
            // The doctor's look, shared by the doctor and the live view: it asks about several things, the
            // cluster and the second look in ClusterLook, each group in GroupLook (with a consumer reading a
            // small lag by assign()), each topic in TopicLook; its reasoning over the answers (Diagnosis)
            // makes no Kafka call.
            entry("diagnosis", Set.of("ClusterLook.java", "GroupLook.java", "TopicLook.java")),
            // The live view watches several things (with an Admin client: topics, groups and their lag,
            // transactions, the cluster's nodes, Streams groups, and the doctor's look; with consumers: the
            // records, what the clients push): one watcher file per thing watched, each listed here by name.
            entry("live-view", Set.of("KafkaWatcher.java", "TopicOffsets.java", "GroupLag.java",
                    "ShareGroupSettings.java", "Transactions.java", "NewestRecords.java", "ClusterNodes.java",
                    "StreamsGroups.java", "PageDoctor.java", "ClientMetricsFeed.java")),
            // Not a lesson but the program behind bin/demo: its Kafka use is waiting for the services'
            // groups to be stable (Admin, in Demo) and counting what the flow committed (a
            // read_committed consumer, in FlowWatcher). The services it starts are the Level 3 lessons.
            entry("demo", Set.of("Demo.java", "FlowWatcher.java")),
            // A Kafka Connect plugin: no client of its own (the worker reads the topic and commits), so
            // its story is Connect's API, which Connect splits in two classes the worker loads by name:
            // the connector (its settings, the tasks' configurations) and the task (put, the retry when
            // the database is gone, the errant-record reporter). Connect use elsewhere in the module
            // fails like a client's.
            entry("payments-sink", Set.of("PaymentsSinkConnector.java", "PaymentsSinkTask.java"))));

    /**
     * {@code common} is not a lesson, and holds none of a lesson's story: its classes may create topics
     * and check the broker (Admin) and read a topic by assignment (a plain read to the end, for a check
     * or a count), and nothing else of Kafka's clients: no subscribe, commit, wakeup, rebalance listener,
     * send, transaction, share consumer, KafkaStreams or Streams DSL. Where in common does not matter.
     */
    private static final Set<String> COMMON_MAY_USE = Set.of("<init>", "close", "assign", "assignment",
            "partitionsFor", "beginningOffsets", "endOffsets", "offsetsForTimes", "seek", "seekToBeginning",
            "seekToEnd", "position", "poll");

    /** The modules with no lesson in them, not checked. */
    static final Map<String, String> NOT_LESSONS = Map.ofEntries(
            entry("support/child-jvm", "no Kafka"),
            entry("support/embedded-broker", "the broker itself"),
            entry("support/embedded-schema-registry", "the schema registry"),
            entry("local-schema-registry", "the schema registry's program"),
            entry("local-kafka", "the broker's program"),
            entry("local-postgres", "PostgreSQL's program"),
            entry("local-connect", "the Connect worker's program"),
            entry("support/test-support", "the tests' broker and readers"),
            entry("support/kafka-cli", "no code"),
            entry("support/benchmarks", "the harness and the reference programs it measures the lessons against"),
            entry("support/connect-tests", "no code"),
            entry("testing-kafka-apps", "Level 6: its lesson is its tests, of the other lessons' code"),
            entry("support/docs-check", "these tests"));

    /**
     * Kafka's clients: every member is the story, except reading what the client knows to print it: its
     * metrics, and a consumer's assignment and lag (payment-service's progress line).
     */
    private static final List<String> CLIENTS = List.of("org.apache.kafka.clients.consumer.Consumer",
            "org.apache.kafka.clients.consumer.ShareConsumer", "org.apache.kafka.clients.producer.Producer",
            "org.apache.kafka.clients.admin.Admin", "org.apache.kafka.streams.KafkaStreams",
            "org.apache.kafka.clients.consumer.ConsumerRebalanceListener");
    private static final Set<String> NOT_THE_STORY = Set.of("metrics", "clientInstanceId", "toString",
            "currentLag", "assignment");

    /** Kafka Streams' topology (the DSL), and a store's interactive queries. */
    private static final Set<String> STREAMS_TYPES = Set.of("org.apache.kafka.streams.StreamsBuilder",
            "org.apache.kafka.streams.Topology", "org.apache.kafka.streams.StoreQueryParameters",
            "org.apache.kafka.streams.state.QueryableStoreTypes");
    private static final List<String> STREAMS_PACKAGES = List.of("org.apache.kafka.streams.kstream.",
            "org.apache.kafka.streams.state.ReadOnly");
    /** A windowed result's key and window, read to print it: not the topology. */
    private static final Set<String> STREAMS_RESULTS = Set.of("org.apache.kafka.streams.kstream.Windowed",
            "org.apache.kafka.streams.kstream.Window");

    /** Kafka Connect's API, for a plugin (payments-sink). */
    private static final String CONNECT_PACKAGE = "org.apache.kafka.connect.";

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() throws IOException {
        // The lessons' and common's classes, from their jars or class folders; test classes and the
        // modules not checked (whose classes bring the broker's into the import) left out.
        Set<String> checked = new TreeSet<>();
        packagesOfModules().forEach((pkg, module) -> {
            if (STORY_FILES.containsKey(module) || module.equals("common")) {
                checked.add(pkg.replace('.', '/'));
            }
        });
        ImportOption checkedPackages = location -> {
            String uri = location.asURI().toString();
            int start = uri.lastIndexOf("dev/franz/");
            return start >= 0 && checked.contains(uri.substring(start, uri.lastIndexOf('/')));
        };
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(checkedPackages).importPackages("dev.franz");
    }

    @Test
    void everyModuleIsALessonWithItsStoryFilesOrNamedAsNotALesson() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String module : modules()) {
            if (!STORY_FILES.containsKey(module) && !module.equals("common") && !NOT_LESSONS.containsKey(module)) {
                problems.add(module + ": not in ArchitectureTest.STORY_FILES (a lesson) nor in NOT_LESSONS");
            }
        }
        STORY_FILES.forEach((module, files) -> files.forEach(file -> {
            if (!sourceFileExists(module, file)) {
                problems.add(module + ": its story file " + file + " is not in " + module + "/src/main/java");
            }
        }));
        Set<String> imported = new TreeSet<>();
        Map<String, String> packages = packagesOfModules();
        classes.forEach(c -> imported.add(packages.getOrDefault(c.getPackageName(), "")));
        Stream.concat(STORY_FILES.keySet().stream(), Stream.of("common"))
                .filter(module -> !imported.contains(module))
                .forEach(module -> problems.add(module + ": no classes on docs-check's test class path (add it to support/docs-check/pom.xml)"));
        assertThat(problems).isEmpty();
    }

    @Test
    void eachLessonsKafkaStoryIsInItsStoryFiles() throws IOException {
        assertThat(violations(classes, STORY_FILES)).isEmpty();
    }

    @Test
    void commonHoldsNoneOfALessonsStory() throws IOException {
        assertThat(classes.contain("dev.franz.common.kafka.Topics")).as("common's classes imported").isTrue();
        assertThat(commonViolations(classes)).isEmpty();
    }

    /** One line per class of common that uses a part of Kafka's clients a lesson teaches. */
    static List<String> commonViolations(Iterable<JavaClass> imported) throws IOException {
        Map<String, String> packages = packagesOfModules();
        List<String> problems = new ArrayList<>();
        for (JavaClass javaClass : imported) {
            if ("common".equals(packages.get(javaClass.getPackageName()))) {
                Set<String> story = new TreeSet<>();
                kafkaUses(javaClass).stream().filter(use -> !use.owner().endsWith("Admin")
                        && !(use.owner().endsWith("Consumer") && !use.owner().endsWith("ShareConsumer")
                        && COMMON_MAY_USE.contains(use.member()))).forEach(use -> story.add(use.toString()));
                if (!story.isEmpty()) {
                    problems.add("common: " + javaClass.getName() + " uses " + story + ", which is a lesson's story");
                }
            }
        }
        problems.sort(null);
        return problems;
    }

    @Test
    void eachStoryFileUsesKafka() throws IOException {
        Map<String, String> packages = packagesOfModules();
        Set<String> used = new TreeSet<>();
        for (JavaClass javaClass : classes) {
            if (!kafkaUses(javaClass).isEmpty()) {
                used.add(packages.getOrDefault(javaClass.getPackageName(), "") + "/" + sourceFile(javaClass));
            }
        }
        List<String> idle = new ArrayList<>();
        STORY_FILES.forEach((module, files) -> files.stream().filter(file -> !used.contains(module + "/" + file))
                .forEach(file -> idle.add(module + ": its story file " + file + " uses no Kafka")));
        assertThat(idle).isEmpty();
    }

    /**
     * One line per class of a listed module that uses Kafka outside the module's allowed files: the
     * module, the class, its file, and the members it uses.
     */
    static List<String> violations(Iterable<JavaClass> imported, Map<String, Set<String>> allowedFiles) throws IOException {
        Map<String, String> packages = packagesOfModules();
        List<String> problems = new ArrayList<>();
        for (JavaClass javaClass : imported) {
            String module = packages.get(javaClass.getPackageName());
            if (module == null || !allowedFiles.containsKey(module)) {
                continue;
            }
            String file = sourceFile(javaClass);
            if (allowedFiles.get(module).contains(file)) {
                continue;
            }
            Set<Use> uses = kafkaUses(javaClass);
            if (!uses.isEmpty()) {
                problems.add(module + ": " + javaClass.getName() + " (" + file + ") uses " + uses
                        + ", outside the module's story files " + new TreeSet<>(allowedFiles.get(module)));
            }
        }
        problems.sort(null);
        return problems;
    }

    /** A use of Kafka by a class: "Consumer.wakeup (method reference)", "implements ConsumerRebalanceListener"... */
    record Use(String owner, String member, String kind) {
        @Override
        public String toString() {
            return member.isEmpty() ? kind + " " + owner : owner + "." + member + " (" + kind + ")";
        }
    }

    /** What Kafka a class uses (its own classes' calls to each other are not Kafka use). */
    static Set<Use> kafkaUses(JavaClass javaClass) {
        Set<Use> uses = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (String client : CLIENTS) {
            if (javaClass.isAssignableTo(client)) {
                uses.add(new Use(client.substring(client.lastIndexOf('.') + 1), "", "implements"));
            }
        }
        Stream.concat(javaClass.getRawSuperclass().stream(), javaClass.getRawInterfaces().stream())
                .filter(type -> type.getName().startsWith(CONNECT_PACKAGE))
                .forEach(type -> uses.add(new Use(type.getSimpleName(), "", "extends")));
        List<JavaCodeUnitAccess<?>> accesses = new ArrayList<>();
        accesses.addAll(javaClass.getMethodCallsFromSelf());
        accesses.addAll(javaClass.getConstructorCallsFromSelf());
        accesses.addAll(javaClass.getMethodReferencesFromSelf());
        accesses.addAll(javaClass.getConstructorReferencesFromSelf());
        for (JavaCodeUnitAccess<?> access : accesses) {
            JavaClass owner = access.getTargetOwner();
            String name = access.getName();
            if (owner.getPackageName().startsWith("dev.franz")) {
                continue;
            }
            boolean client = !NOT_THE_STORY.contains(name) && CLIENTS.stream().anyMatch(owner::isAssignableTo);
            boolean streams = !STREAMS_RESULTS.contains(owner.getName()) && (STREAMS_TYPES.contains(owner.getName())
                    || STREAMS_PACKAGES.stream().anyMatch(owner.getName()::startsWith));
            boolean connect = owner.getName().startsWith(CONNECT_PACKAGE);
            if (client || streams || connect) {
                String kind = access.getClass().getSimpleName().replace("Java", "")
                        .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
                uses.add(new Use(owner.getSimpleName(), name, kind));
            }
        }
        return uses;
    }

    /** The source file a class was compiled from (a nested, anonymous or lambda's class: its outer file). */
    private static String sourceFile(JavaClass javaClass) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        String byName = outer.getSimpleName() + ".java";
        return javaClass.getSource().flatMap(Source::getFileName).orElse(byName);
    }

    private static boolean sourceFileExists(String module, String file) {
        try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            return files.anyMatch(f -> f.getFileName().toString().equals(file));
        } catch (IOException e) {
            return false;
        }
    }

    /** The modules of the root pom.xml. */
    private static List<String> modules() throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            modules.add(module.group(1).trim());
        }
        assertThat(modules).as("modules of the root pom.xml").contains("basic-consumer", "common");
        return modules;
    }

    /** Package -> the module whose src/main/java holds it. */
    private static Map<String, String> packagesOfModules() throws IOException {
        Map<String, String> packages = new TreeMap<>();
        for (String module : modules()) {
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java"))
                        .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.'))
                        .forEach(pkg -> packages.put(pkg, module));
            }
        }
        return packages;
    }
}
