package io.customerpulse.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result tables in what Flink's SQL client prints in its {@code tableau} result mode: each
 * table a header row and data rows between {@code +---+} borders, every row a map from column name
 * to the printed value. The client echoes a statement without a line break before its first
 * border, so a border is recognised at the end of a line too.
 */
final class TableauTables {
    private TableauTables() {}

    static List<List<Map<String, String>>> in(String printed) {
        String[] lines = printed.split("\\R");
        List<List<Map<String, String>>> tables = new ArrayList<>();
        for (int i = 1; i + 1 < lines.length; i++) {
            if (!isRow(lines[i]) || !isBorder(lines[i - 1]) || !isBorder(lines[i + 1])) {
                continue;
            }
            List<String> header = cells(lines[i]);
            List<Map<String, String>> rows = new ArrayList<>();
            int r = i + 2;
            for (; r < lines.length && isRow(lines[r]); r++) {
                List<String> values = cells(lines[r]);
                Map<String, String> row = new LinkedHashMap<>();
                for (int c = 0; c < header.size(); c++) {
                    row.put(header.get(c), values.get(c));
                }
                rows.add(row);
            }
            tables.add(rows);
            i = r;
        }
        return tables;
    }

    /**
     * The rows a streaming query's printed changelog leaves (its {@code op} column: {@code +I} and
     * {@code +U} add a row, {@code -U} and {@code -D} take one away), without the {@code op} column.
     */
    static List<Map<String, String>> applied(List<Map<String, String>> changelog) {
        Map<Map<String, String>, Integer> rows = new LinkedHashMap<>();
        for (Map<String, String> change : changelog) {
            Map<String, String> row = new LinkedHashMap<>(change);
            int sign = switch (row.remove("op")) {
                case "+I", "+U" -> 1;
                case "-U", "-D" -> -1;
                default -> throw new IllegalArgumentException("Not a changelog row: " + change);
            };
            rows.merge(row, sign, Integer::sum);
        }
        List<Map<String, String>> result = new ArrayList<>();
        rows.forEach((row, count) -> {
            if (count < 0 || count > 1) {
                throw new IllegalStateException(count + " times in the changelog's result: " + row);
            }
            if (count == 1) {
                result.add(row);
            }
        });
        return result;
    }

    private static boolean isRow(String line) {
        return line.startsWith("|") && line.endsWith("|");
    }

    private static boolean isBorder(String line) {
        return line.matches(".*\\+(-+\\+)+");
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|", -1)).map(String::strip).toList();
    }
}
