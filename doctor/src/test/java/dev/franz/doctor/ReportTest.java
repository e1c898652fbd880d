package dev.franz.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.json.Json;
import dev.franz.diagnosis.Diagnosis;
import dev.franz.diagnosis.Evidence;
import dev.franz.diagnosis.Evidence.Asked;
import dev.franz.diagnosis.Evidence.Group;
import dev.franz.diagnosis.Evidence.Member;
import dev.franz.diagnosis.Evidence.Partition;
import dev.franz.diagnosis.Evidence.Topic;
import dev.franz.diagnosis.Finding;

/** The findings printed: a healthy subject in one line; the JSON form with each finding's parts. */
class ReportTest {

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aHealthyGroupIsOneLine() {
        TopicPartition t0 = new TopicPartition("t", 0);
        Group g = new Group("reader", "consumer", "Stable", 5, List.of(new Member("m1", "reader-1", "/127.0.0.1",
                Set.of(t0))), Map.of(t0, 3L), null, null, List.of());
        List<Finding> findings = Diagnosis.diagnose(evidence(Asked.everything(), g));

        assertThat(Report.text(findings.get(0))).hasLineCount(1).startsWith("HEALTHY  group reader: ");
    }

    @Test
    void theJsonFormHasEachFindingsCodeEvidenceAndFixes() throws Exception {
        Group g = new Group("done", "consumer", "Empty", 5, List.of(), Map.of(new TopicPartition("t", 0), 10L), null,
                null, List.of());
        Evidence e = evidence(new Asked("done", null, null), g);
        List<Finding> findings = Diagnosis.diagnose(e);

        JsonNode json = Json.mapper().readTree(Report.json(e, findings));

        assertThat(json.get("bootstrapServers").asText()).isEqualTo("localhost:9092");
        JsonNode first = json.get("findings").get(0);
        assertThat(first.get("code").asText()).isEqualTo("AT_END");
        assertThat(first.get("problem").asBoolean()).isFalse();
        assertThat(first.get("subject").asText()).isEqualTo("group done");
        assertThat(first.get("evidence").size()).isEqualTo(1);
        assertThat(first.get("fixes").size()).isEqualTo(3);
    }

    /** One topic t of one partition holding offsets 0..9, the newest a minute old, and the group. */
    private static Evidence evidence(Asked asked, Group g) {
        Topic t = new Topic("t", 1, 604_800_000L, List.of(new Partition(0, 1, List.of(1), List.of(1), 0, 10, 10,
                NOW - 60_000, List.of())));
        return new Evidence("localhost:9092", NOW, asked, Set.of(1), Set.of("t"), Set.of(g.id()), List.of(t), List.of(g),
                List.of(), List.of());
    }
}
