package dev.franz.notificationservice;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ExactlyOnceClients;
import dev.franz.common.kafka.ExactlyOnceLoop;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Level 3, the third service: reads {@code orders} and {@code payments} and notifies each customer
 * once per (order, kind) on {@code notifications}, exactly once.
 * {@code ./mvnw -q compile exec:java -pl notification-service}
 */
@Command(name = "notification-service", mixinStandardHelpOptions = true, version = "notification-service (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Notifies customers of received orders and payment results, once each.")
public final class NotificationService implements Callable<Integer> {

    static final String DEFAULT_GROUP = "notification_service";
    private static final int MAX_POLL_RECORDS = 500;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Mixin
    ServiceOptions serviceOptions;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new NotificationService(), args));
    }

    @Override
    public Integer call() {
        if (serviceOptions.problem() != null) {
            throw new ParameterException(spec.commandLine(), serviceOptions.problem());
        }
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String ordersTopic = config.topic(ConfigKey.TOPIC_ORDERS);
        String paymentsTopic = config.topic(ConfigKey.TOPIC_PAYMENTS);
        String notificationsTopic = config.topic(ConfigKey.TOPIC_NOTIFICATIONS);
        Topics.createIfMissing(config, List.of(ordersTopic, paymentsTopic, notificationsTopic))
                .forEach(topic -> out.printf("Created topic %s%n", topic));
        SentNotifications sent = SentNotifications.load(config.clientProperties(), notificationsTopic, LOAD_TIMEOUT);
        String instanceName = serviceOptions.instanceName("notification-service");
        out.printf("%s: %,d notifications already sent; reading %s and %s as group %s, writing %s. Ctrl-C to stop.%n",
                instanceName, sent.size(), ordersTopic, paymentsTopic, group, notificationsTopic);

        NotificationProcessor processor = new NotificationProcessor(ordersTopic, notificationsTopic, sent,
                Clock.systemUTC(), out, serviceOptions.printEvery());
        GracefulShutdown shutdown = new GracefulShutdown();
        try (shutdown) {
            try (Consumer<String, byte[]> consumer = ExactlyOnceClients.newConsumer(config, group, instanceName,
                    MAX_POLL_RECORDS);
                 Producer<String, byte[]> producer = ExactlyOnceClients.newProducer(config, instanceName)) {
                shutdown.wakeUpOnExit(consumer);
                new ExactlyOnceLoop<>(consumer, producer, out)
                        .run(List.of(ordersTopic, paymentsTopic), processor, serviceOptions.idleTimeout());
            }
            NotificationProcessor.Counts counts = processor.counts();
            out.printf("%n%s stopped: %,d notifications sent, %,d duplicates skipped, %,d unreadable records skipped.%n",
                    instanceName, counts.sent(), counts.duplicates(), counts.unreadable());
        }
        return 0;
    }
}
