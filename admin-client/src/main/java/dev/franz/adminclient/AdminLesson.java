package dev.franz.adminclient;

import java.io.PrintStream;
import java.util.Properties;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The admin lesson: the Admin API that kafka-topics and kafka-consumer-groups are built on.
 * {@code ./mvnw -q compile exec:java -pl admin-client -Dexec.args="topics describe --topic user_events"}
 *
 * <p>Reading path: this class is the program and its commands. Each command's Admin calls are one
 * method, with its own client, in the file for what it manages: {@link TopicAdmin} (topics),
 * {@link GroupAdmin} (consumer groups: lag, offset resets), {@link ShareGroupAdmin} (share groups) and
 * {@link AclAdmin} (ACLs). Each command's options and printing are beside them: {@link TopicsCommand},
 * {@link GroupsCommand}, {@link ShareGroupsCommand}, {@link AclsCommand}.
 */
@Command(name = "admin-client", mixinStandardHelpOptions = true, version = "admin-client (Franz)",
        description = "Manage topics and consumer groups with Kafka's Admin API.",
        subcommands = {TopicsCommand.class, GroupsCommand.class, ShareGroupsCommand.class, AclsCommand.class})
public final class AdminLesson {

    @Mixin
    ConfigOptions configOptions;

    final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new AdminLesson(), args));
    }

    private FranzConfig config;

    /** The client settings for a command's Admin client, once a broker has answered at the address. */
    Properties connection() {
        BrokerPreflight.check(config().clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        return config().clientProperties();
    }

    /** Defaults, .env, environment and the command line, loaded once. */
    FranzConfig config() {
        if (config == null) {
            config = configOptions.load();
        }
        return config;
    }
}
