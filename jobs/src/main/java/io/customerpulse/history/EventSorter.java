package io.customerpulse.history;

import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Sorts any number of events by event time (ties keep their input order) in bounded memory:
 * runs of {@code runSize} events are sorted and spilled to temporary files (the events in the
 * wire format), then merged.
 */
public final class EventSorter implements Closeable {
    private static final Comparator<Sequenced> ORDER =
            Comparator.comparingLong((Sequenced s) -> s.event.eventTime).thenComparingLong(s -> s.seq);

    private record Sequenced(PulseEvent event, long seq) {}

    private final int runSize;
    private final Path spillDir;
    private final List<Sequenced> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private final EventCodec codec = new EventCodec();
    private long seq;

    public EventSorter(int runSize, Path spillDir) {
        this.runSize = runSize;
        this.spillDir = spillDir;
    }

    public void add(PulseEvent event) {
        buffer.add(new Sequenced(event, seq++));
        if (buffer.size() >= runSize) {
            spill();
        }
    }

    public long size() {
        return seq;
    }

    /** Every event added, in event-time order; call once. */
    public Iterator<PulseEvent> sorted() {
        buffer.sort(ORDER);
        if (runs.isEmpty()) {
            return buffer.stream().map(Sequenced::event).iterator();
        }
        spill();
        return merge();
    }

    private void spill() {
        buffer.sort(ORDER);
        try {
            Files.createDirectories(spillDir);
            Path run = Files.createTempFile(spillDir, "replay-run-", ".bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (Sequenced s : buffer) {
                    byte[] bytes = EventCodec.encode(EventMapper.toAvro(s.event));
                    out.writeLong(s.seq);
                    out.writeByte(s.event.type.ordinal());
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            }
            runs.add(run);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spill sorted events to " + spillDir, e);
        }
        buffer.clear();
    }

    private Iterator<PulseEvent> merge() {
        List<RunReader> readers = new ArrayList<>();
        PriorityQueue<RunReader> heads = new PriorityQueue<>(Comparator.comparing(r -> r.head, ORDER));
        for (Path run : runs) {
            RunReader reader = new RunReader(run);
            readers.add(reader);
            if (reader.advance()) {
                heads.add(reader);
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public PulseEvent next() {
                RunReader reader = heads.poll();
                if (reader == null) {
                    throw new NoSuchElementException();
                }
                PulseEvent event = reader.head.event;
                if (reader.advance()) {
                    heads.add(reader);
                }
                return event;
            }
        };
    }

    private final class RunReader {
        private final DataInputStream in;
        Sequenced head;

        RunReader(Path run) {
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean advance() {
            try {
                long s = in.readLong();
                EventType type = EventType.values()[in.readByte()];
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                head = new Sequenced(EventMapper.toPulseEvent(codec.decode(type, bytes)), s);
                return true;
            } catch (EOFException end) {
                close();
                return false;
            } catch (IOException | EventCodec.DecodeException e) {
                throw new IllegalStateException("Cannot read back a sorted run", e);
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
    }
}
