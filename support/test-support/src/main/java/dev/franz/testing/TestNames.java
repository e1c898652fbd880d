package dev.franz.testing;

import java.util.UUID;

/** Topic and group names no other test uses, so tests sharing a broker never see each other's data. */
public final class TestNames {

    private TestNames() {
    }

    /** {@code unique("orders")} gives e.g. {@code orders-3f9a1c2e}. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
