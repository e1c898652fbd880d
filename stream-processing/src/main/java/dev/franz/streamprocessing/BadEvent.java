package dev.franz.streamprocessing;

import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserTotals;

/**
 * A record of {@code user_events} that Level 2 cannot compute with, found before any state changes.
 * Both engines check every event with {@link #check}: a record that fails is a bad record (one line,
 * counted, dead-lettered), never a crash and never a value in a store that could not be read back.
 */
final class BadEvent extends RuntimeException {

    /** Longer than this, an event type is no type: it would be a key of every count and window. */
    static final int MAX_EVENT_TYPE_LENGTH = 100;
    /** The same for the user id, the record's key. */
    static final int MAX_USER_ID_LENGTH = 100;

    BadEvent(String reason) {
        super(reason, null, false, false); // a bad record is not a bug: no stack trace
    }

    /**
     * The event, if Level 2 can use it: an event (not a tombstone or JSON {@code null}), a user (the
     * record's key), an event type, and for a purchase an amount that is a decimal we can add.
     *
     * @throws BadEvent saying in one line what is wrong
     */
    static UserEvent check(String userId, UserEvent event) {
        if (event == null) {
            throw new BadEvent("no event (a tombstone or JSON null)");
        }
        if (userId == null || userId.isBlank()) {
            throw new BadEvent("no key: the key is the user id");
        }
        if (userId.length() > MAX_USER_ID_LENGTH) {
            // The user id keys the totals and the outputs: a huge one would make results too large to write.
            throw new BadEvent("a key (user id) of " + userId.length() + " characters (at most " + MAX_USER_ID_LENGTH + ")");
        }
        if (event.eventType() == null || event.eventType().isBlank()) {
            throw new BadEvent("no event_type");
        }
        if (event.eventType().length() > MAX_EVENT_TYPE_LENGTH) {
            throw new BadEvent("an event_type of " + event.eventType().length() + " characters (at most "
                    + MAX_EVENT_TYPE_LENGTH + ")");
        }
        if (UserEvent.PURCHASE.equals(event.eventType())) {
            try {
                UserTotals.amountOf(event);
            } catch (IllegalArgumentException e) {
                throw new BadEvent(e.getMessage());
            }
        }
        return event;
    }
}
