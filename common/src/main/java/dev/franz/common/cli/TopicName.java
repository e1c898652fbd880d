package dev.franz.common.cli;

import dev.franz.common.config.FranzConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A topic name as an option's value, checked against Kafka's rule before any client is created, so that
 * {@code --topic ''} is refused with one line naming the option instead of waiting for a topic that cannot
 * exist: {@code converter = TopicName.class}. docs-check's CliConventionsTest fails the build when a
 * {@code --topic} takes a name Kafka refuses.
 */
public final class TopicName implements ITypeConverter<String> {

    @Override
    public String convert(String value) {
        if (!FranzConfig.isTopicName(value)) {
            throw new TypeConversionException("'" + value + "' is not allowed, a topic name is 1 to 249 letters,"
                    + " digits, '.', '_' or '-', and not '.' or '..'");
        }
        return value;
    }
}
