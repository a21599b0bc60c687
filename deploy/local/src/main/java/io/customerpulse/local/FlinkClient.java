package io.customerpulse.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Flink's own command-line client ({@code flink run|stop|cancel}, class CliFrontend) against the
 * local cluster, run as a separate JVM on the cluster's classpath and configuration, exactly as a
 * data engineer runs {@code bin/flink} of a distribution.
 */
final class FlinkClient {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private final LocalCluster cluster;
    private final PrintStream out;

    FlinkClient(LocalCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    /** What the client printed, and the job id or savepoint path in it. */
    record Result(int exitCode, String output, String jobId, String savepointPath) {}

    /** {@code flink <args>}; {@code environment} adds variables (secrets go there, never into args). */
    Result run(List<String> args, Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(LocalCluster.java());
        command.addAll(cluster.javaModuleOptions());
        command.addAll(cluster.loggingOptions("flink-client"));
        command.addAll(List.of("-cp", cluster.flinkClasspath(), "org.apache.flink.client.cli.CliFrontend"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FLINK_CONF_DIR", cluster.flinkConfDirectory().toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.println(line);
                output.append(line).append('\n');
            }
        }
        int exit = process.waitFor();
        Matcher jobId = JOB_ID.matcher(output);
        Matcher savepoint = SAVEPOINT.matcher(output);
        return new Result(exit, output.toString(), jobId.find() ? jobId.group(1) : null,
                savepoint.find() ? savepoint.group(1) : null);
    }

    /** The shaded job jar the build produced (jobs/target/pulse-jobs-*-job.jar). */
    static Path jobJar(Path repository) throws IOException {
        Path target = repository.resolve("jobs").resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("pulse-jobs-.*-job\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No job jar in " + target + ": build first (mvn package)"));
        }
    }
}
