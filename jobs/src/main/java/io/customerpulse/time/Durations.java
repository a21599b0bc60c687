package io.customerpulse.time;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them: "7d", "5m", "30s", "500ms", "2h", or ISO-8601 "P7D", "PT5M". */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)");

    private Durations() {}

    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        Matcher m = SIMPLE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a duration: '" + text + "' (use e.g. 7d, 12h, 5m, 30s, 500ms or P7D)");
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMs = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            case "w" -> 7 * 86_400_000L;
            default -> throw new IllegalStateException(m.group(2));
        };
        return Duration.ofMillis(Math.round(amount * unitMs));
    }

    /** The shortest of the simple forms that says exactly this duration. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        long[] units = {7 * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"w", "d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }
}
