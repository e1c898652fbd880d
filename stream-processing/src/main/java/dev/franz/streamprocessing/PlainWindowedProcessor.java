package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.franz.common.events.UserEvent;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonSerializer;

/** Windowed counts by hand: {@link TumblingWindowCounter}, with each closed window published and printed. */
final class PlainWindowedProcessor implements PlainProcessor {

    private final StreamTopics topics;
    private final TumblingWindowCounter counter;
    private final PrintStream out;
    private final JsonSerializer<WindowCount> json = new JsonSerializer<>();
    private long reportedLate;

    PlainWindowedProcessor(StreamTopics topics, Duration size, Duration grace, PrintStream out) {
        this.topics = topics;
        this.counter = new TumblingWindowCounter(size, grace);
        this.out = out;
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp) {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        for (WindowCount window : counter.add(event.eventType(), Instant.ofEpochMilli(timestamp))) {
            out.println(WindowLine.of(window));
            outputs.add(new ProducerRecord<>(topics.windowedCounts(), window.eventType(),
                    json.serialize(topics.windowedCounts(), window)));
        }
        if (counter.lateEvents() > reportedLate) {
            reportedLate = counter.lateEvents();
            // The first few, then a sample: replaying a backlog can make thousands late.
            if (reportedLate <= 5 || reportedLate % 100 == 0) {
                out.printf("late: a %s event at %s arrived after its window closed (stream time %s); %d late so far%n",
                        event.eventType(), Instant.ofEpochMilli(timestamp), counter.streamTime(), reportedLate);
            }
        }
        return outputs;
    }

    @Override
    public void report(PrintStream out) {
        out.printf("stream time %s; %d late events so far%n",
                counter.streamTime().equals(Instant.MIN) ? "none yet (no event)" : counter.streamTime(),
                counter.lateEvents());
    }
}
