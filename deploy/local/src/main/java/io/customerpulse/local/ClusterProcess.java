package io.customerpulse.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One background process of the local cluster: started in its own session (so a Ctrl-C in the
 * terminal that started it does not reach it), its output in a log file, its pid in a file. A pid
 * counts as this process only while a live process with that pid has {@code marker} on its
 * command line, so a stale pid file (or a reused pid) never passes for a running component.
 */
final class ClusterProcess {
    private final String name;
    private final Path pidFile;
    private final String marker;

    ClusterProcess(String name, Path pidFile, String marker) {
        this.name = name;
        this.pidFile = pidFile;
        this.marker = marker;
    }

    String name() {
        return name;
    }

    /** The running process, if any. */
    Optional<ProcessHandle> running() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    /** Starts {@code command} in the background, stdout and stderr to {@code output}; records its pid. */
    ProcessHandle launch(List<String> command, Map<String, String> environment, Path output) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(pidFile.getParent());
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()) + "\n");
            return process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /**
     * Sends {@code signal} (TERM, INT, ...) and waits up to {@code grace} for the process to exit,
     * then kills it. Returns false if it was not running.
     */
    boolean stop(String signal, Duration grace) {
        Optional<ProcessHandle> process = running();
        if (process.isEmpty()) {
            return false;
        }
        ProcessHandle handle = process.get();
        signal(handle.pid(), signal);
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
