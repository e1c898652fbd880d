package dev.franz.common.cli;

import dev.franz.common.UserFacingException;

/**
 * A value given on the command line that the program found wrong only once it used it (a setting that
 * the configuration refused, e.g. {@code --bootstrap-servers localhost:notaport}). {@link Cli} reports it
 * as picocli reports a bad value while parsing: this one line, the usage, exit code 2.
 */
public final class BadOptionValueException extends UserFacingException {

    private final String option;

    /** "Invalid value for option '--set': 'NO_SUCH=1' is not allowed: {@code why}". */
    public BadOptionValueException(String option, String value, String why) {
        super("Invalid value for option '" + option + "': '" + value + "' is not allowed: " + why);
        this.option = option;
    }

    /** The option, e.g. {@code --bootstrap-servers}. */
    public String option() {
        return option;
    }
}
