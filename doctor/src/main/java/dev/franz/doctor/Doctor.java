package dev.franz.doctor;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.Admin;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.diagnosis.ClusterLook;
import dev.franz.diagnosis.Diagnosis;
import dev.franz.diagnosis.Evidence;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Why does my consumer get nothing? {@code bin/run doctor --group basic-consumer}
 *
 * <p>Reading path: this file is the program: its options, and one look at the cluster with one Admin
 * client. The look is in the diagnosis module, which the live view shares so that both read the cluster
 * the same way: {@link ClusterLook} (the cluster, and the second look at the groups a few seconds later),
 * {@code GroupLook} (each group, with the consumer that reads a small lag, by {@code assign()} and no
 * group), {@code TopicLook} (each topic). The answers are {@link Evidence}, plain numbers;
 * {@link Diagnosis} reasons over them with no Kafka call, and {@link Report} prints the findings.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, version = "doctor (Franz)",
        description = "Read the cluster's state (offsets, groups, transactions, replicas, ACLs) and say why a"
                + " consumer gets nothing: each finding with its evidence, the likely cause and the fix.")
public final class Doctor implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    static final class Subject {
        @Option(names = "--group", paramLabel = "GROUP", description = "The group to look at (a consumer or share group).")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
                description = "Topic to look at, with the groups that read it.")
        String topic;

        @Option(names = "--transactional-id", paramLabel = "ID", description = "A producer's transactional.id to look at.")
        String transactionalId;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Subject subject = new Subject();

    @Option(names = "--watch", paramLabel = "SECONDS", converter = Numbers.NotNegative.class, defaultValue = "3",
            description = "Look at groups with members again after SECONDS, to catch rebalances (0: one look;"
                    + " default ${DEFAULT-VALUE}).")
    long watchSeconds;

    @Option(names = "--json", description = "Print the findings as JSON, for scripts.")
    boolean json;

    /** Who the doctor asks as (from the client settings), for the ACL a refusal needs. */
    String principal = "User:NAME";

    /** Where the report goes (a test reads it). */
    PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new Doctor(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        Properties props = config.clientProperties();
        principal = config.principal().startsWith("User:") ? config.principal() : principal;
        BrokerPreflight.check(props, BrokerPreflight.DEFAULT_TIMEOUT);
        Evidence evidence = look(props, new Evidence.Asked(subject.group, subject.topic, subject.transactionalId),
                Duration.ofSeconds(watchSeconds));
        Report.print(out, evidence, Diagnosis.diagnose(evidence), json);
        return 0;
    }

    /** Reads everything the diagnosis needs about {@code asked}: one Admin client, closed at the end. */
    Evidence look(Properties connection, Evidence.Asked asked, Duration secondLook) throws InterruptedException {
        try (Admin admin = ClusterLook.admin(connection, null)) {
            return ClusterLook.look(admin, connection, principal, asked, secondLook);
        }
    }
}
