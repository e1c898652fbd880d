package dev.franz.common;

/**
 * A failure the person running the program can fix (a bad setting, no broker at the address, ...).
 * Programs print its message alone, without a stack trace, and exit non-zero.
 */
public class UserFacingException extends RuntimeException {

    public UserFacingException(String message) {
        super(message);
    }

    public UserFacingException(String message, Throwable cause) {
        super(message, cause);
    }
}
