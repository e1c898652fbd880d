package dev.franz.streamprocessing;

import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;

/** The topics of Level 2, from the configuration. */
record StreamTopics(String events, String profiles, String typeCounts, String userTotals, String enriched,
                    String windowedCounts, String deadLetters) {

    static StreamTopics from(FranzConfig config) {
        return new StreamTopics(config.topic(ConfigKey.TOPIC_USER_EVENTS), config.topic(ConfigKey.TOPIC_USER_PROFILES),
                config.topic(ConfigKey.TOPIC_EVENT_TYPE_COUNTS), config.topic(ConfigKey.TOPIC_USER_TOTALS),
                config.topic(ConfigKey.TOPIC_ENRICHED_EVENTS), config.topic(ConfigKey.TOPIC_WINDOWED_COUNTS),
                config.topic(ConfigKey.TOPIC_USER_EVENTS_DLT));
    }
}
