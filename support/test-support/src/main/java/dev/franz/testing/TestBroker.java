package dev.franz.testing;

/** A running Kafka broker for integration tests, whichever kind was chosen. */
interface TestBroker extends AutoCloseable {

    String bootstrapServers();

    /** For the log: which broker the tests use. */
    String description();

    @Override
    void close();
}
