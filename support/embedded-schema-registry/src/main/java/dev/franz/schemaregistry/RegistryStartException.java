package dev.franz.schemaregistry;

/** The registry could not start, for a reason the person running it can fix (port in use, ...). */
public final class RegistryStartException extends RuntimeException {

    public RegistryStartException(String message) {
        super(message);
    }
}
