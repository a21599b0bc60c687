package io.customerpulse.history;

import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;

import java.io.IOException;

/**
 * History files (JSON Lines, gzip or not, and Avro containers) as a Flink file source format.
 * Files are not split; a restored reader re-reads its file and skips what it had emitted (a gzip
 * stream cannot seek).
 */
public class HistoryFileFormat implements BulkFormat<IngestRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 1024;

    private final EventDecoder decoder;
    private final String progressRun;

    /** @param progressRun where in-process readers report bytes and records read ({@link HistoryProgress}), or null */
    public HistoryFileFormat(EventDecoder decoder, String progressRun) {
        this.decoder = decoder;
        this.progressRun = progressRun;
    }

    @Override
    public Reader<IngestRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new FileReader(split, 0);
    }

    @Override
    public Reader<IngestRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long emitted = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new FileReader(split, emitted);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return TypeInformation.of(IngestRecord.class);
    }

    private final class FileReader implements Reader<IngestRecord> {
        private final HistoryReader reader;
        private long emitted;
        private long reportedBytes;

        FileReader(FileSourceSplit split, long alreadyEmitted) throws IOException {
            String name = split.path().getName();
            HistoryFormat format = HistoryFormat.of(name);
            if (format == null) {
                throw new IOException("Not a history file (.jsonl, .jsonl.gz, .avro): " + split.path());
            }
            this.reader = HistoryReader.open(split.path().toString(), split.path().getFileSystem().open(split.path()),
                    format, decoder);
            for (long i = 0; i < alreadyEmitted && reader.next() != null; i++) {
                emitted++;
            }
        }

        @Override
        public RecordIterator<IngestRecord> readBatch() throws IOException {
            IngestRecord[] batch = new IngestRecord[BATCH];
            int n = 0;
            IngestRecord r;
            while (n < BATCH && (r = reader.next()) != null) {
                batch[n++] = r;
            }
            long bytes = reader.bytesRead();
            HistoryProgress.add(progressRun, bytes - reportedBytes, n);
            reportedBytes = bytes;
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<IngestRecord> iterator = new ArrayResultIterator<>();
            iterator.set(batch, n, CheckpointedPosition.NO_OFFSET, emitted);
            emitted += n;
            return iterator;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
