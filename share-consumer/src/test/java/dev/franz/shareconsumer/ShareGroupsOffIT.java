package dev.franz.shareconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dev.franz.common.cli.Cli;
import dev.franz.embedded.EmbeddedKafkaBroker;

/**
 * A cluster with share groups turned off: the worker names the feature and how to turn it on. Its broker
 * starts in this JVM, beside the module's shared one: alone, not while ShareGroupsIT's tests run.
 */
@Isolated
class ShareGroupsOffIT {

    @TempDir
    Path dataDir;

    @Test
    void aClusterWithoutShareGroupsGetsOneClearMessageAndExit1() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir, Map.of())) {
            Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("jobs", 1, (short) 1))).all().get();
                // What kafka-features downgrade --feature share.version=0 does.
                admin.updateFeatures(Map.of("share.version",
                        new FeatureUpdate((short) 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
                        new UpdateFeaturesOptions()).all().get();
            }
            StringWriter err = new StringWriter();

            int exitCode = Cli.run(new ShareConsumerLesson(), new PrintWriter(err), "--bootstrap-servers",
                    broker.bootstrapServers());

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).contains("has share groups off (feature share.version is")
                    .contains("upgrade --feature share.version=1").doesNotContain("\tat ");
        }
    }
}
