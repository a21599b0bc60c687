package io.customerpulse.local;

/**
 * Closes resources when the JVM is stopped (Ctrl-C, SIGTERM) while they are open, for commands
 * that have nothing to finish in order and everything to clean up: the bench's local Flink (whose
 * working directory holds its jobs' RocksDB state, gigabytes at the larger scaling points), its
 * PostgreSQL server (a separate process that would outlive the JVM) and its Kafka broker, or the
 * partial file of {@code generate}. A JVM stopped by a signal runs its shutdown hooks but not the
 * main thread's {@code finally} blocks, so try-with-resources alone leaves them behind.
 *
 * <p>Opened after the resources in a try-with-resources, it is closed before them on a normal
 * end, and then only removes its hook. {@link GracefulStop} is for commands that instead stop in
 * order (the demo's jobs first).
 */
final class CloseOnStop implements AutoCloseable {
    private final Thread hook;

    /** Registers a shutdown hook that closes {@code resources} in the order given. */
    CloseOnStop(AutoCloseable... resources) {
        hook = new Thread(() -> {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // the JVM is going down; close what can still be closed
                }
            }
        }, "close-on-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the hook: the command ended by itself and closes its resources as usual. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped: the hook runs, or has run
        }
    }
}
