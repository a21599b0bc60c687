package io.customerpulse.local;

import sun.misc.Signal;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a long-running command wants them: the first asks the command to
 * stop in order (job first, then Kafka and PostgreSQL), the second exits at once. Handling the
 * signals, rather than relying on JVM shutdown hooks, keeps Flink's and the database's own hooks
 * from tearing things down underneath a job that is still writing.
 */
final class GracefulStop {
    private final AtomicInteger signals = new AtomicInteger();
    private final PrintStream out;

    private GracefulStop(PrintStream out) {
        this.out = out;
    }

    static GracefulStop install(PrintStream out) {
        GracefulStop stop = new GracefulStop(out);
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> stop.onSignal());
        }
        return stop;
    }

    private void onSignal() {
        if (signals.incrementAndGet() == 1) {
            out.println();
            out.println("Stopping (press Ctrl-C again to force) ...");
        } else {
            Runtime.getRuntime().halt(130);
        }
    }

    boolean requested() {
        return signals.get() > 0;
    }
}
