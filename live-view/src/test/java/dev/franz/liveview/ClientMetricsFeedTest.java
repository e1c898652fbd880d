package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.ClientMetricsFeed.Client;
import dev.franz.liveview.ClientMetricsFeed.Liveness;

/** What the course's broker writes to _franz-client-metrics, read back: kept, charted, gone, bounded. */
class ClientMetricsFeedTest {

    private static final long T0 = 1_796_584_769_479L;

    /** A record as the broker's ClientMetricsReceiver writes it (docs/observability.md, "See it now"). */
    static String push(String instance, String clientId, int intervalMs, long first, long last, boolean terminating,
                       String metrics) {
        return "{\"clientInstanceId\":\"" + instance + "\",\"clientId\":\"" + clientId.replace("\"", "\\\"") + "\",\"softwareName\":"
                + "\"apache-kafka-java\",\"softwareVersion\":\"4.4.0\",\"principal\":\"User:ANONYMOUS\",\"clientAddress\":"
                + "\"127.0.0.1\",\"pushIntervalMs\":" + intervalMs + ",\"firstPushMs\":" + first + ",\"lastPushMs\":" + last
                + ",\"terminating\":" + terminating + ",\"metrics\":{" + metrics + "}}";
    }

    private final ClientMetricsFeed feed = new ClientMetricsFeed(new Properties());

    @Test
    void aPushIsKeptWithItsLatestValuesNullsIncludedAndItsOwnMetricsCharted() {
        for (int i = 0; i < 3; i++) {
            assertThat(feed.accept("kB4H", push("kB4H", "basic-consumer-19483-1", 10_000, T0, T0 + i * 10_000L, false,
                    "\"org.apache.kafka.consumer.coordinator.commit.latency.avg\":null,"
                            + "\"org.apache.kafka.consumer.fetch.manager.records.lag.max\":" + (5 - i) + ".0,"
                            + "\"org.apache.kafka.consumer.fetch.manager.records.lag.max{partition=0,topic=user_events}\":" + i
                            + ",\"org.apache.kafka.consumer.coordinator.rebalance.total\":1"))).isTrue();
        }
        List<Client> clients = feed.clients(T0 + 25_000);
        assertThat(clients).hasSize(1);
        Client c = clients.get(0);
        assertThat(c.clientId()).isEqualTo("basic-consumer-19483-1");
        assertThat(c.softwareName()).isEqualTo("apache-kafka-java");
        assertThat(c.firstPushMs()).isEqualTo(T0);
        assertThat(c.lastPushMs()).isEqualTo(T0 + 20_000);
        assertThat(c.liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(c.metrics()).containsEntry("org.apache.kafka.consumer.coordinator.commit.latency.avg", null)
                .containsEntry("org.apache.kafka.consumer.fetch.manager.records.lag.max{partition=0,topic=user_events}", 2.0);
        // Its own metrics have a history, one point per push; per-partition ones and nulls have none.
        assertThat(c.history().get("org.apache.kafka.consumer.fetch.manager.records.lag.max"))
                .extracting(point -> point[1].doubleValue()).containsExactly(5.0, 4.0, 3.0);
        assertThat(c.history()).doesNotContainKey("org.apache.kafka.consumer.coordinator.commit.latency.avg")
                .doesNotContainKey("org.apache.kafka.consumer.fetch.manager.records.lag.max{partition=0,topic=user_events}");
        assertThat(ClientMetricsFeed.MetricKey.parse("org.apache.kafka.consumer.fetch.manager.records.lag.max{partition=0,topic=user_events}"))
                .isEqualTo(new ClientMetricsFeed.MetricKey("org.apache.kafka.consumer.fetch.manager.records.lag.max",
                        Map.of("partition", "0", "topic", "user_events")));
    }

    @Test
    void aClientIsGoneWhenItSaidItWasClosingOrAfterThreeIntervalsWithoutAPush() {
        assertThat(ClientMetricsFeed.liveness(false, T0, 10_000, T0 + 30_000)).isEqualTo(Liveness.ALIVE);
        assertThat(ClientMetricsFeed.liveness(false, T0, 10_000, T0 + 30_001)).isEqualTo(Liveness.SILENT);
        assertThat(ClientMetricsFeed.liveness(false, T0, 1_000, T0 + 3_001)).isEqualTo(Liveness.SILENT);
        assertThat(ClientMetricsFeed.liveness(true, T0, 10_000, T0)).isEqualTo(Liveness.CLOSED);

        feed.accept("a", push("a", "order-producer", 10_000, T0, T0, false, ""));
        feed.accept("b", push("b", "payment-service-1", 10_000, T0, T0 + 5_000, true, ""));
        assertThat(feed.clients(T0 + 6_000)).extracting(Client::liveness).containsExactly(Liveness.ALIVE, Liveness.CLOSED);
        assertThat(feed.clients(T0 + 31_000)).extracting(Client::liveness).containsExactly(Liveness.SILENT, Liveness.CLOSED);
        // Ten minutes after its last push, a gone client is forgotten.
        assertThat(feed.clients(T0 + ClientMetricsFeed.FORGET_GONE_AFTER_MS + 1)).extracting(Client::clientId)
                .containsExactly("payment-service-1");
        assertThat(feed.clients(T0 + 5_000 + ClientMetricsFeed.FORGET_GONE_AFTER_MS + 1)).isEmpty();
    }

    @Test
    void aRecordThatIsNotAPushIsSkippedAndCountedAndTheNextOneIsStillRead() {
        assertThat(feed.accept("x", "not json")).isFalse();
        assertThat(feed.accept("x", "{\"clientInstanceId\":\"x\"}")).isFalse();              // no interval, no times
        assertThat(feed.accept("x", push("x", "p", 0, T0, T0, false, ""))).isFalse();      // an interval of 0
        assertThat(feed.accept("x", push("x", "p", 1000, T0, T0, false, "\"m\":\"high\""))).isFalse(); // not a number
        assertThat(feed.accept("x", "[1,2]")).isFalse();
        assertThat(feed.skipped()).isEqualTo(5);
        assertThat(feed.accept("y", push("y", "basic-producer", 10_000, T0, T0, false, "\"m\":1.5"))).isTrue();
        assertThat(feed.clients(T0)).extracting(Client::clientId).containsExactly("basic-producer");
        // The live view's own clients are left out, and not counted as skipped.
        assertThat(feed.accept("z", push("z", "franz-live-view-admin", 10_000, T0, T0, false, ""))).isFalse();
        assertThat(feed.skipped()).isEqualTo(5);
        // A deletion (no value) forgets the instance.
        feed.accept("y", null);
        assertThat(feed.clients(T0)).isEmpty();
    }

    @Test
    void memoryIsBoundedInClientsAndInValuesPerMetric() {
        for (int i = 0; i < ClientMetricsFeed.MAX_INSTANCES + 20; i++) {
            feed.accept("i" + i, push("i" + i, "restarted-" + i, 10_000, T0 + i, T0 + i, i < 5, ""));
        }
        List<Client> clients = feed.clients(T0 + 200);
        assertThat(clients).hasSize(ClientMetricsFeed.MAX_INSTANCES);
        // The closed ones and then the oldest silent went first: the newest are kept.
        assertThat(clients).extracting(Client::instanceId).contains("i20", "i119").doesNotContain("i0", "i4", "i19");

        for (int i = 0; i < 1000; i++) {
            feed.accept("busy", push("busy", "busy", 100, T0, T0 + i * 100L, false, "\"m\":" + i));
        }
        Client busy = feed.clients(T0 + 100_000).stream().filter(c -> c.clientId().equals("busy")).findFirst().orElseThrow();
        assertThat(busy.history().get("m")).hasSize(ClientMetricsFeed.HISTORY_POINTS)
                .last().satisfies(point -> assertThat(point[1].doubleValue()).isEqualTo(999.0));
    }
}
