package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * What the README promises a learner, checked on the compiled classes: a lesson's Kafka pattern (the
 * poll or send loop, its commits and transaction calls, the wakeup that ends it; its Admin and Kafka
 * Streams calls) is written in the lesson, in its main class or in one class beside it (or in the
 * story files listed for a lesson told in several, {@link #STORY_FILES}); {@code common} holds none
 * of the client pattern.
 */
class ArchitectureTest {

    /** The client methods a lesson teaches; a call to one of them is a Kafka pattern. */
    private static final Set<String> PATTERN = Set.of("poll", "send", "commitSync", "commitAsync", "wakeup",
            "subscribe", "acknowledge", "initTransactions", "beginTransaction", "commitTransaction", "abortTransaction",
            "sendOffsetsToTransaction");
    private static final List<String> CLIENTS = List.of("org.apache.kafka.clients.consumer.Consumer",
            "org.apache.kafka.clients.consumer.ShareConsumer", "org.apache.kafka.clients.producer.Producer");

    /** Clients whose every call is the lesson (Admin's create, describe, list...; Streams' start, store...). */
    private static final List<String> WHOLE_CLIENTS = List.of("org.apache.kafka.clients.admin.Admin",
            "org.apache.kafka.streams.KafkaStreams");
    private static final Set<String> NOT_A_PATTERN = Set.of("close", "create", "metrics", "toString");

    /** Each lesson's package and its main class. */
    private static final Map<String, String> LESSONS = Map.of(
            "dev.franz.basicproducer", "BasicProducer",
            "dev.franz.basicconsumer", "BasicConsumer",
            "dev.franz.orderproducer", "OrderProducer",
            "dev.franz.paymentservice", "PaymentService",
            "dev.franz.notificationservice", "NotificationService",
            "dev.franz.shareconsumer", "ShareConsumerLesson",
            "dev.franz.schemaevolution", "SchemaEvolutionLesson",
            "dev.franz.streamprocessing", "StreamProcessing",
            "dev.franz.adminclient", "AdminLesson");

    /**
     * A lesson whose Kafka story is one file per part, each listed here: stream-processing tells the plain
     * engine, the Streams engine, its interactive queries and its profiles topic each in its own file (#41);
     * share-consumer places its jobs in Jobs and runs its consumer-group comparison in ConsumerGroupWorker.
     */
    private static final Map<String, Set<String>> STORY_FILES = Map.of("dev.franz.streamprocessing",
            Set.of("PlainEngine", "StreamsEngine", "StateQueries", "UserProfiles"),
            "dev.franz.shareconsumer", Set.of("Jobs", "ConsumerGroupWorker"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // The modules' classes, from their jars or class folders; test classes left out.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.franz");
    }

    @Test
    void commonCallsNoClientMethodALessonTeaches() {
        assertThat(classes.contain("dev.franz.common.kafka.Topics")).as("common's classes imported").isTrue();
        assertThat(classesCallingThePattern().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dev.franz.common")).map(Map.Entry::getValue).toList())
                .as("common keeps configuration, JSON, CLI and preflight; a Kafka pattern belongs in the lesson")
                .isEmpty();
    }

    @Test
    void eachLessonsKafkaPatternIsInItsMainClassOrOneClassBesideIt() {
        Map<String, Set<String>> byPackage = classesCallingThePattern();
        classesCallingAdminOrStreams().forEach((pkg, callers) ->
                byPackage.computeIfAbsent(pkg, p -> new TreeSet<>()).addAll(callers));
        assertThat(byPackage.keySet()).as("lessons found").containsAll(LESSONS.keySet());
        List<String> problems = new ArrayList<>();
        LESSONS.forEach((pkg, main) -> {
            Set<String> callers = byPackage.getOrDefault(pkg, Set.of());
            Set<String> others = new TreeSet<>(callers);
            others.remove(main);
            if (STORY_FILES.containsKey(pkg)) {
                others.removeAll(STORY_FILES.get(pkg));
                if (!others.isEmpty()) {
                    problems.add(pkg + ": " + others + " (not one of its story files " + STORY_FILES.get(pkg) + ")");
                }
            } else if (others.size() > 1) {
                problems.add(pkg + ": " + callers + " (the main class " + main + " and at most one class beside it)");
            } else if (others.size() == 1 && !names(main, pkg, others.iterator().next())) {
                problems.add(pkg + ": " + others + " is not named by the main class " + main);
            }
        });
        assertThat(problems).isEmpty();
    }

    /** Package -> the top-level classes there that call a pattern method of a Kafka client. */
    private static Map<String, Set<String>> classesCallingThePattern() {
        Map<String, Set<String>> byPackage = new TreeMap<>();
        for (JavaClass javaClass : classes) {
            for (JavaMethodCall call : javaClass.getMethodCallsFromSelf()) {
                if (PATTERN.contains(call.getName()) && CLIENTS.stream().anyMatch(client -> call.getTargetOwner().isAssignableTo(client))) {
                    byPackage.computeIfAbsent(javaClass.getPackageName(), p -> new TreeSet<>()).add(topLevel(javaClass).getSimpleName());
                }
            }
        }
        return byPackage;
    }

    /** Package -> the top-level classes there that call the Admin client or KafkaStreams. */
    private static Map<String, Set<String>> classesCallingAdminOrStreams() {
        Map<String, Set<String>> byPackage = new TreeMap<>();
        for (JavaClass javaClass : classes) {
            for (JavaMethodCall call : javaClass.getMethodCallsFromSelf()) {
                if (!NOT_A_PATTERN.contains(call.getName())
                        && WHOLE_CLIENTS.stream().anyMatch(client -> call.getTargetOwner().isAssignableTo(client))) {
                    byPackage.computeIfAbsent(javaClass.getPackageName(), p -> new TreeSet<>()).add(topLevel(javaClass).getSimpleName());
                }
            }
        }
        return byPackage;
    }

    /** True when the main class refers to {@code other} (a learner who opens it finds the way there). */
    private static boolean names(String main, String pkg, String other) {
        JavaClass mainClass = classes.get(pkg + "." + main);
        return mainClass.getDirectDependenciesFromSelf().stream()
                .anyMatch(dependency -> topLevel(dependency.getTargetClass()).getName().equals(pkg + "." + other))
                || classes.stream().filter(c -> topLevel(c).equals(mainClass)).anyMatch(inner -> inner
                .getDirectDependenciesFromSelf().stream()
                .anyMatch(dependency -> topLevel(dependency.getTargetClass()).getName().equals(pkg + "." + other)));
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass outer = javaClass;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
