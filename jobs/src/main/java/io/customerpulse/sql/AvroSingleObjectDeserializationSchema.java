package io.customerpulse.sql;

import io.customerpulse.events.EventCodec;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.AvroToRowDataConverters;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Decodes one single-object-encoded Avro value into a table row; see
 * {@link AvroSingleObjectFormatFactory} for the contract. One instance per subtask (Avro's
 * decoder is not thread-safe); schemas travel as JSON, the decoder is built in {@link #open}.
 */
public final class AvroSingleObjectDeserializationSchema implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AvroSingleObjectDeserializationSchema.class);

    /** Records skipped because they could not be decoded (only with ignore-parse-errors). */
    public static final String SKIPPED_METRIC = "avroSingleObjectRecordsSkipped";

    private final RowType rowType;
    private final TypeInformation<RowData> producedType;
    private final String recordName;
    private final String readerSchema;
    private final List<String> writerSchemas;
    private final boolean ignoreParseErrors;

    private transient BinaryMessageDecoder<GenericRecord> decoder;
    private transient AvroToRowDataConverters.AvroToRowDataConverter converter;
    private transient Counter skipped;

    public AvroSingleObjectDeserializationSchema(RowType rowType, TypeInformation<RowData> producedType,
            Schema readerSchema, List<Schema> writerSchemas, boolean ignoreParseErrors) {
        this.rowType = rowType;
        this.producedType = producedType;
        this.recordName = readerSchema.getFullName();
        this.readerSchema = readerSchema.toString();
        this.writerSchemas = writerSchemas.stream().map(Schema::toString).toList();
        this.ignoreParseErrors = ignoreParseErrors;
    }

    @Override
    public void open(InitializationContext context) {
        Schema reader = new Schema.Parser().parse(readerSchema);
        decoder = new BinaryMessageDecoder<>(GenericData.get(), reader);
        for (String writer : writerSchemas) {
            // A parser per version: versions share the record's name, which one parser refuses.
            decoder.addSchema(new Schema.Parser().parse(writer));
        }
        converter = AvroToRowDataConverters.createRowConverter(rowType, false);
        skipped = context.getMetricGroup().counter(SKIPPED_METRIC);
    }

    /** Null (a tombstone) for a null value; else the row, or null for a skipped bad record. */
    @Override
    public RowData deserialize(byte[] message) throws IOException {
        if (message == null) {
            return null;
        }
        try {
            return (RowData) converter.convert(decoder.decode(message));
        } catch (IOException | RuntimeException e) {
            String reason = message.length == 0
                    ? recordName + ": " + EventCodec.EMPTY_VALUE : EventCodec.failure(recordName, e).getMessage();
            if (!ignoreParseErrors) {
                throw new IOException("Cannot decode " + recordName + " (" + reason + "); set '"
                        + AvroSingleObjectFormatFactory.IDENTIFIER + "."
                        + AvroSingleObjectFormatFactory.IGNORE_PARSE_ERRORS.key()
                        + "' = 'true' to skip such records", e);
            }
            skipped.inc();
            long count = skipped.getCount();
            if (Long.bitCount(count) == 1) { // the 1st, 2nd, 4th, 8th, ... skip: bounded log volume
                LOG.warn("Skipped {} undecodable {} record(s) so far; latest: {}", count, recordName, reason);
            }
            return null;
        }
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
