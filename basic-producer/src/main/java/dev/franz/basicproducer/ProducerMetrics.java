package dev.franz.basicproducer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.Producer;

/** A few of the producer's own metrics ({@code producer.metrics()}), the ones the summary shows. */
final class ProducerMetrics {

    /** Bytes the producer sent to brokers, requests and compression included. */
    static final String OUTGOING_BYTES = "outgoing-byte-total";
    /** Average size of a compressed batch relative to its uncompressed size (1.0 = no compression). */
    static final String COMPRESSION_RATE = "compression-rate-avg";

    private static final Set<String> WANTED = Set.of(OUTGOING_BYTES, COMPRESSION_RATE);

    private ProducerMetrics() {
    }

    static Map<String, Double> read(Producer<?, ?> producer) {
        Map<String, Double> values = new HashMap<>();
        producer.metrics().forEach((name, metric) -> {
            if ("producer-metrics".equals(name.group()) && WANTED.contains(name.name())
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                values.put(name.name(), value);
            }
        });
        return values;
    }
}
