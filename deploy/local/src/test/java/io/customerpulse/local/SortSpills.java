package io.customerpulse.local;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts, while open, the sorts of this JVM's Flink jobs that spilled to disk. Flink has no metric
 * for it; its spilling thread logs "Spilling done." at DEBUG once a sort has written its sorted runs
 * to disk (a sort that fits its memory logs "Initiating in memory merge." instead). The logger is
 * raised to DEBUG only for this counter and not passed on to the console.
 */
final class SortSpills implements AutoCloseable {
    private static final String LOGGER = "org.apache.flink.runtime.operators.sort.SpillingThread";
    private static final String SPILLED = "Spilling done.";

    private final AtomicInteger spilled = new AtomicInteger();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender counter = new AbstractAppender("sort-spills", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            if (SPILLED.equals(event.getMessage().getFormattedMessage())) {
                spilled.incrementAndGet();
            }
        }
    };

    private SortSpills() {
        counter.start();
        LoggerConfig spillingThread = new LoggerConfig(LOGGER, Level.DEBUG, false);
        spillingThread.addAppender(counter, Level.DEBUG, null);
        context.getConfiguration().addLogger(LOGGER, spillingThread);
        context.updateLoggers();
    }

    static SortSpills count() {
        return new SortSpills();
    }

    /** Sorts that spilled since this counter was opened. */
    int spilled() {
        return spilled.get();
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(LOGGER);
        context.updateLoggers();
        counter.stop();
    }
}
