package io.customerpulse.history;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.events.avro.ShareEvent;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads one history file into what the jobs take from Kafka: admitted events and dead letters.
 * A bad line is a dead letter (source: the file and line number, payload: the line), never an
 * exception; a corrupt Avro container ends its file with one dead letter for the rest.
 */
public abstract class HistoryReader implements Closeable {
    protected final String source;
    protected final EventDecoder decoder;
    private final CountingStream counted;

    private HistoryReader(String source, CountingStream counted, EventDecoder decoder) {
        this.source = source;
        this.counted = counted;
        this.decoder = decoder;
    }

    /**
     * @param source how dead letters name the file
     * @param raw the file's bytes as stored (compressed or not)
     * @param decoder validates events as the jobs do; null to pass every readable event on as it is
     *     (a replay publishes what producers sent, and the jobs refuse what they refuse)
     */
    public static HistoryReader open(String source, InputStream raw, HistoryFormat format, EventDecoder decoder)
            throws IOException {
        CountingStream counted = new CountingStream(raw);
        return switch (format) {
            case JSON_LINES -> new JsonLines(source, counted, counted, decoder);
            case JSON_LINES_GZIP -> new JsonLines(source, counted, new GZIPInputStream(counted, 1 << 16), decoder);
            case AVRO -> new AvroContainer(source, counted, decoder);
        };
    }

    /** The next record, or null at the end of the file. */
    public abstract IngestRecord next() throws IOException;

    IngestRecord admit(io.customerpulse.events.PulseEvent event, byte[] key, byte[] payload, long position) {
        if (decoder == null) {
            return IngestRecord.of(event);
        }
        return decoder.admit(event, key, payload, source, 0, position, System.currentTimeMillis());
    }

    /** Bytes of the file consumed so far (compressed bytes for a gzip file). */
    public long bytesRead() {
        return counted.count.get();
    }

    @Override
    public void close() throws IOException {
        counted.close();
    }

    private static final class JsonLines extends HistoryReader {
        private final BufferedReader lines;
        private final JsonEventParser parser = new JsonEventParser();
        private long lineNumber;
        private boolean brokenOff;

        JsonLines(String source, CountingStream counted, InputStream decompressed, EventDecoder decoder) {
            super(source, counted, decoder);
            this.lines = new BufferedReader(new InputStreamReader(decompressed, StandardCharsets.UTF_8), 1 << 16);
        }

        @Override
        public IngestRecord next() throws IOException {
            String line;
            do {
                if (brokenOff) {
                    return null;
                }
                try {
                    line = lines.readLine();
                } catch (EOFException | ZipException cutOff) {
                    // A gzip file cut off (a copy that stopped short) or damaged: the lines before stand,
                    // the rest cannot be read, and one dead letter says where, so that an operator can
                    // fetch the file again instead of failing the whole run (or a job that restarts on it).
                    brokenOff = true;
                    return IngestRecord.refused(DeadLetter.of(DeadLetterReason.UNDECODABLE,
                            "the file breaks off after line " + lineNumber + ": " + cutOff.getMessage(),
                            source, 0, lineNumber + 1, null, new byte[0]));
                }
                lineNumber++;
                if (line == null) {
                    return null;
                }
            } while (line.isBlank());
            byte[] payload = line.getBytes(StandardCharsets.UTF_8);
            try {
                var event = parser.parse(line);
                byte[] key = event.userId == null ? null : event.userId.getBytes(StandardCharsets.UTF_8);
                return admit(event, key, payload, lineNumber);
            } catch (JsonEventParser.BadLine bad) {
                return IngestRecord.refused(DeadLetter.of(bad.reason(), bad.getMessage(), source, 0, lineNumber, null, payload));
            }
        }

        @Override
        public void close() throws IOException {
            lines.close();
            super.close();
        }
    }

    private static final class AvroContainer extends HistoryReader {
        private static final Map<String, Schema> CURRENT = Map.of(
                ClickEvent.getClassSchema().getFullName(), ClickEvent.getClassSchema(),
                PurchaseEvent.getClassSchema().getFullName(), PurchaseEvent.getClassSchema(),
                ShareEvent.getClassSchema().getFullName(), ShareEvent.getClassSchema());

        private final DataFileStream<SpecificRecord> records;
        private long index;
        private boolean broken;

        AvroContainer(String source, CountingStream counted, EventDecoder decoder) throws IOException {
            super(source, counted, decoder);
            SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(SpecificData.getForClass(ClickEvent.class));
            this.records = new DataFileStream<>(counted, reader);
            Schema current = CURRENT.get(records.getSchema().getFullName());
            if (current == null) {
                throw new IOException(source + " holds " + records.getSchema().getFullName()
                        + ", not one of the event records of schemas/");
            }
            // Read any version in schemas/history as the current one.
            reader.setExpected(current);
        }

        @Override
        public IngestRecord next() {
            if (broken) {
                return null;
            }
            try {
                if (!records.hasNext()) {
                    return null;
                }
                SpecificRecord record = records.next();
                index++;
                var event = EventMapper.toPulseEvent(record);
                byte[] key = event.userId == null ? null : event.userId.getBytes(StandardCharsets.UTF_8);
                return admit(event, key, EventCodec.encode(record), index);
            } catch (AvroRuntimeException | IllegalArgumentException | ArithmeticException e) {
                broken = true;
                return IngestRecord.refused(DeadLetter.of(DeadLetterReason.UNDECODABLE,
                        "corrupt Avro container after record " + index + ": " + e.getMessage(), source, 0, index + 1,
                        null, new byte[0]));
            }
        }

        @Override
        public void close() throws IOException {
            records.close();
            super.close();
        }
    }

    /** Counts the bytes read from the underlying file, for progress. */
    private static final class CountingStream extends FilterInputStream {
        final AtomicLong count = new AtomicLong();

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count.addAndGet(skipped);
            return skipped;
        }
    }
}
