package dev.franz.doctor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.franz.common.json.Json;
import dev.franz.diagnosis.Evidence;
import dev.franz.diagnosis.Finding;

/**
 * The findings as a learner reads them (problems first, a healthy subject in one line; when everything was
 * looked at, each finding in one line), or as JSON for a
 * script: {@code {"bootstrapServers": ..., "findings": [{"code": "AT_END", ...}]}}.
 */
final class Report {

    private Report() {
    }

    static void print(PrintStream out, Evidence evidence, List<Finding> findings, boolean json) {
        List<Finding> ordered = new ArrayList<>(findings.stream().filter(f -> f.code().problem).toList());
        ordered.addAll(findings.stream().filter(f -> !f.code().problem && f.code() != Finding.Code.HEALTHY).toList());
        ordered.addAll(findings.stream().filter(f -> f.code() == Finding.Code.HEALTHY).toList());
        if (json) {
            out.println(json(evidence, ordered));
            return;
        }
        out.println(header(evidence));
        if (evidence.asked().isEverything() && evidence.denied().isEmpty()) {
            // Everything, briefly: one line per finding; the details come when asked about one subject.
            out.println();
            ordered.forEach(f -> out.println(brief(f)));
            if (ordered.stream().anyMatch(f -> f.code() != Finding.Code.HEALTHY)) {
                out.println();
                out.println("Each finding's evidence, cause and fix: doctor --group GROUP, --topic TOPIC or"
                        + " --transactional-id ID (--json: all of them, in full).");
            }
            return;
        }
        for (Finding f : ordered) {
            out.println();
            out.print(text(f));
        }
    }

    /** A finding in one line: its code, its subject, what was found. */
    static String brief(Finding f) {
        return f.code() + "  " + f.subject() + ": " + f.found();
    }

    static String header(Evidence e) {
        Evidence.Asked asked = e.asked();
        String what = asked.group() != null ? "group " + asked.group() : asked.topic() != null ? "topic " + asked.topic()
                : asked.transactionalId() != null ? "transactional id " + asked.transactionalId() : "everything";
        return "Looked at " + what + " on " + e.bootstrapServers() + " (" + e.brokers().size() + " broker(s)): "
                + e.groups().size() + " group(s), " + e.topics().size() + " topic(s) read closely.";
    }

    /** One finding: a healthy one in one line, any other with its evidence, where to see it, cause and fixes. */
    static String text(Finding f) {
        StringBuilder s = new StringBuilder();
        if (f.code() == Finding.Code.HEALTHY) {
            return s.append("HEALTHY  ").append(f.subject()).append(": ").append(f.found()).append('\n').toString();
        }
        s.append(f.code()).append("  ").append(f.subject()).append('\n');
        s.append("  found     ").append(f.found()).append('\n');
        lines(s, "evidence", f.evidence());
        lines(s, "see it", f.see());
        s.append("  cause     ").append(f.cause()).append('\n');
        List<String> fixes = new ArrayList<>();
        for (int i = 0; i < f.fixes().size(); i++) {
            fixes.add((i + 1) + ". " + f.fixes().get(i));
        }
        lines(s, "fix", fixes);
        return s.toString();
    }

    private static void lines(StringBuilder s, String label, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            s.append(String.format("  %-9s %s%n", i == 0 ? label : "", lines.get(i)));
        }
    }

    static String json(Evidence e, List<Finding> findings) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bootstrapServers", e.bootstrapServers());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("code", f.code().name());
            one.put("problem", f.code().problem);
            one.put("subject", f.subject());
            one.put("found", f.found());
            one.put("evidence", f.evidence());
            one.put("see", f.see());
            one.put("cause", f.cause());
            one.put("fixes", f.fixes());
            list.add(one);
        }
        report.put("findings", list);
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException("findings are plain strings and lists", e1);
        }
    }
}
