package io.customerpulse.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The benchmark's figures: each with its unit and how it was measured; printed as a table, written as JSON. */
final class BenchFigures {
    record Figure(double value, String unit, String how) {}

    /** A target: {@code name} >= (or <=) {@code bound}, where name is a figure or a ratio "a / b". */
    record Target(String name, boolean atLeast, double bound) {}

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final PrintStream progress;

    /** {@code progress} hears of each figure as it is measured. */
    BenchFigures(PrintStream progress) {
        this.progress = progress;
    }

    void put(String name, double value, String unit, String how) {
        figures.put(name, new Figure(value, unit, how));
        progress.printf("  %-32s %14s %s%n", name, format(value), unit);
    }

    Optional<Figure> get(String name) {
        return Optional.ofNullable(figures.get(name));
    }

    /** The median of repeated measurements (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The value of a figure or of a ratio "a / b", if everything it needs was measured. */
    Optional<Double> value(String expression) {
        String[] parts = expression.split(" / ");
        if (parts.length == 2) {
            return get(parts[0]).flatMap(a -> get(parts[1]).map(b -> a.value() / b.value()));
        }
        return get(expression).map(Figure::value);
    }

    void print(PrintStream out, List<Target> targets) {
        out.printf("%n%-34s %14s  %-10s %s%n", "figure", "value", "unit", "how it was measured");
        figures.forEach((name, f) -> out.printf("%-34s %14s  %-10s %s%n", name, format(f.value()), f.unit(), f.how()));
        out.printf("%n%-34s %14s  %-10s %s%n", "target", "measured", "bound", "");
        for (Target t : targets) {
            Optional<Double> v = value(t.name());
            String verdict = v.map(x -> (t.atLeast() ? x >= t.bound() : x <= t.bound()) ? "met" : "MISSED").orElse("not measured");
            out.printf("%-34s %14s  %-10s %s%n", t.name(), v.map(BenchFigures::format).orElse("-"),
                    (t.atLeast() ? ">= " : "<= ") + format(t.bound()), verdict);
        }
    }

    void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        figures.forEach((name, f) -> root.putObject(name).put("value", round(f.value())).put("unit", f.unit()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        json.writeValue(file.toFile(), root);
    }

    private static double round(double v) {
        return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000.0;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.3f", v);
    }
}
