package dev.franz.notificationservice;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * notification-service's command line, its checks, and the lines it prints. The Kafka side, what the
 * options change, is in {@link NotificationService}.
 */
final class NotificationServiceOptions {

    static final String DEFAULT_GROUP = "notification_service";

    /** The topics it reads and writes, from the configuration. */
    record TopicNames(String orders, String payments, String notifications) {
    }

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Mixin
    ServiceOptions service;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    /**
     * Checks the broker, creates the topic it writes (notifications) and waits for the ones it reads
     * (orders, payments): a consumer never creates its input, where a typo would make a new, empty topic.
     */
    TopicNames checkBrokerAndTopics(FranzConfig config, PrintStream out) throws InterruptedException {
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        TopicNames topics = new TopicNames(config.topic(ConfigKey.TOPIC_ORDERS), config.topic(ConfigKey.TOPIC_PAYMENTS),
                config.topic(ConfigKey.TOPIC_NOTIFICATIONS));
        Topics.createIfMissing(config, List.of(topics.notifications()), out);
        Topics.awaitExisting(config, List.of(topics.orders(), topics.payments()), out);
        return topics;
    }

    void printStart(PrintStream out, String instanceName, long alreadySent, TopicNames topics) {
        out.printf("%s: %,d notifications already sent; reading %s and %s as group %s, writing %s. Ctrl-C to stop.%n",
                instanceName, alreadySent, topics.orders(), topics.payments(), group, topics.notifications());
    }

    /** After partitions moved here: how many notifications other instances sent meanwhile, read on in the topic. */
    static void printReadOn(PrintStream out, int learned) {
        if (learned > 0) {
            out.printf("Read on in the notifications topic: %,d notifications sent meanwhile by other"
                    + " instances, not sent again.%n", learned);
        }
    }

    /** {@code startedAt}: System.nanoTime() when the clients were created. */
    void printSummary(PrintStream out, String instanceName, NotificationProcessor processor, long startedAt,
                      Duration sessionTimeout) {
        NotificationProcessor.Counts counts = processor.counts();
        new RunSummary(instanceName, "sent", counts.sent(), "notifications",
                Duration.ofNanos(System.nanoTime() - startedAt))
                .count("records read", counts.read())
                .count("duplicates skipped", counts.duplicates())
                .count("unreadable records skipped", counts.unreadable())
                .count("transactions committed", processor.transactionsCommitted())
                .count("transactions aborted", processor.transactionsAborted())
                .detail("its partitions", "held for " + instanceName + " for " + sessionTimeout.toSeconds()
                        + " s (static membership): a restart within that time gets them back without a"
                        + " rebalance, else the other instances get them")
                .report(out, summaryOption.file());
    }
}
