package io.customerpulse.history;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 instants as {@link Instant#parse} reads them, with a fast path for the form history
 * files almost always use, {@code 2025-03-01T12:00:00Z} or with 1 to 9 fraction digits:
 * {@code Instant.parse} goes through the general {@code DateTimeFormatter} machinery and was a
 * tenth of a backfill's read stage. Anything else (offsets, lower case, leap seconds, years
 * beyond four digits) takes {@code Instant.parse}, so the results are always the same.
 */
public final class IsoInstants {
    private IsoInstants() {}

    /**
     * @throws DateTimeParseException as {@code Instant.parse(text)} would
     * @throws ArithmeticException as {@code toEpochMilli()} would, for an instant beyond a long of milliseconds
     */
    public static long toEpochMilli(String text) {
        long fast = fastPath(text);
        return fast != NOT_FAST ? fast : Instant.parse(text).toEpochMilli();
    }

    private static final long NOT_FAST = Long.MIN_VALUE;

    private static long fastPath(String t) {
        int n = t.length();
        // yyyy-MM-ddTHH:mm:ss then Z, or .f{1,9}Z
        if (n < 20 || n == 21 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
                || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':' || (n > 20 && t.charAt(19) != '.')) {
            return NOT_FAST;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = digits(t, 20, n - 1);
            if (fraction < 0) {
                return NOT_FAST;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_FAST;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalidDate) {
            return NOT_FAST; // Instant.parse gives the error
        }
        long seconds = epochDay * 86_400 + hour * 3_600L + minute * 60L + second;
        return Math.addExact(Math.multiplyExact(seconds, 1_000L), nanos / 1_000_000);
    }

    /** The decimal value of t[from, to), or -1 if any character there is not an ASCII digit. */
    private static int digits(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
