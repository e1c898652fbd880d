package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.liveview.Browser;
import dev.franz.liveview.RunningLiveView;
import dev.franz.shareconsumer.ShareConsumerLesson;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * The live view's share-group section on the share-consumer lesson, its workers in their own JVMs:
 * three members on the one partition, and the poison job redelivered up to the delivery limit, then
 * in the dead-letter topic with its delivery count.
 */
class ShareGroupLiveViewIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String topic = TestNames.unique("jobs");
    private final String group = TestNames.unique("job-workers");
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final List<ServiceProcess> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (ServiceProcess process : processes) {
            process.close();
        }
    }

    @Test
    void threeWorkersOnOnePartitionAndAPoisonJobDeadLetteredAtItsThirdDelivery() throws Exception {
        List<String> connection = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--set", "TOPIC_JOBS=" + topic);
        // The lesson's own jobs: job-7 flaky (released once), job-10 poison (released until the limit).
        List<String> jobs = new ArrayList<>(List.of("jobs", "12"));
        jobs.addAll(connection);
        assertThat(start("jobs", jobs).waitFor(Duration.ofSeconds(60))).as(output::toString).isZero();

        try (RunningLiveView liveView = RunningLiveView.start(kafka.clientProperties(), kafka.bootstrapServers());
             Browser browser = Browser.start()) {
            for (int instance = 1; instance <= 3; instance++) {
                List<String> worker = new ArrayList<>(List.of("--group", group, "--instance", String.valueOf(instance),
                        "--work-ms", "100", "--idle-timeout", "20", "--print-every", "0"));
                worker.addAll(connection);
                start("worker-" + instance, worker);
            }
            browser.open(liveView.url());
            String box = "[data-share-group='" + group + "']";
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    "3".equals(browser.attribute(box + " tr[data-partition='" + topic + "-0']", "data-members")));
            String poison = box + " .dead-letters tr[data-key='job-10']";
            await().atMost(Duration.ofSeconds(60)).until(() -> browser.count(poison) == 1);
            assertThat(browser.attribute(poison, "data-delivery-count")).isEqualTo("3");
            assertThat(browser.text(poison)).contains("job-10 poison").contains("Offset delivery count exceeded the threshold.")
                    .contains(topic + "-0 offset 9");
            assertThat(browser.text(box + " p")).contains("delivery limit 3").contains("dead letters to dlq." + topic);
            browser.scrollTo(box);
            browser.screenshot("live-view-share-group.png", 900);
        }
    }

    private ServiceProcess start(String label, List<String> args) throws IOException {
        ServiceProcess process = ServiceProcess.start(label, ShareConsumerLesson.class, args, out);
        processes.add(process);
        return process;
    }
}
