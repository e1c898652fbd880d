package dev.franz.common.cli;

import java.math.BigDecimal;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Range-checked numbers for picocli options, so that {@code --max-messages -1} is refused with one
 * line naming the option, before any client is created: {@code converter = Numbers.NotNegative.class}.
 */
public final class Numbers {

    private Numbers() {
    }

    /** 0 or more. */
    public static final class NotNegative implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 0);
        }
    }

    /** 1 or more. */
    public static final class Positive implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return atLeast(value, 1);
        }
    }

    /** 1 or more, as an int. */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long number = atLeast(value, 1);
            if (number > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is too large (at most " + Integer.MAX_VALUE + ")");
            }
            return (int) number;
        }
    }

    /** 1 to 32767, as a short: a replication factor. */
    public static final class PositiveShort implements ITypeConverter<Short> {
        @Override
        public Short convert(String value) {
            long number = atLeast(value, 1);
            if (number > Short.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is too large (at most " + Short.MAX_VALUE + ")");
            }
            return (short) number;
        }
    }

    /** An amount, fractions allowed: 0 or more (a limit on an order's amount). */
    public static final class NotNegativeAmount implements ITypeConverter<BigDecimal> {
        @Override
        public BigDecimal convert(String value) {
            BigDecimal amount;
            try {
                amount = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number");
            }
            if (amount.signum() < 0) {
                throw new TypeConversionException("'" + value + "' is not allowed, it must be 0 or more");
            }
            return amount;
        }
    }

    /** Seconds, fractions allowed: 0 or more (an interval between records). */
    public static final class NotNegativeSeconds implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double seconds = Double.parseDouble(value.strip());
                if (seconds >= 0 && Double.isFinite(seconds)) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not allowed, it must be a number of seconds, 0 or more");
        }
    }

    /** A share, from 0 to 1 (0.1: one in ten). */
    public static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double share = Double.parseDouble(value.strip());
                if (share >= 0 && share <= 1) { // false for NaN
                    return share;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not allowed, it must be between 0 and 1");
        }
    }

    /** A TCP port: 1 to 65535. */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long number = atLeast(value, 1);
            if (number > 65_535) {
                throw new TypeConversionException("'" + value + "' is not allowed, it must be from 1 to 65535");
            }
            return (int) number;
        }
    }

    static long atLeast(String value, long minimum) {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (number < minimum) {
            throw new TypeConversionException("'" + value + "' is not allowed, it must be " + minimum + " or more");
        }
        return number;
    }
}
