package dev.franz.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of the Kafka jars on the classpath, as the jars themselves record it. */
public final class KafkaVersion {

    private KafkaVersion() {
    }

    public static String get() {
        try (InputStream in = KafkaVersion.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
