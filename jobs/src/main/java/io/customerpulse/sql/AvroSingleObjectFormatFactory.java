package io.customerpulse.sql;

import io.customerpulse.events.SchemaHistory;

import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Table format {@code avro-single-object}: reads the event topics' values, Avro records in
 * single-object encoding (marker C3 01, CRC-64-AVRO fingerprint of the writer schema, binary body).
 *
 * <p>Each record is decoded by its fingerprint with Avro's {@code BinaryMessageDecoder}, which knows
 * every version of the chosen record listed in {@code schemas/history/versions.txt}; the reader
 * schema is derived from the table's columns (matched to Avro fields by name), and Flink's own
 * {@code AvroToRowDataConverters} turn the record into {@link RowData}. Column types follow
 * flink-avro's non-legacy mapping: {@code timestamp-millis} is {@code TIMESTAMP_LTZ(3)},
 * {@code decimal(18,2)} is {@code DECIMAL(18,2)}, strings are {@code STRING}; optional fields need
 * nullable columns. A table may declare any subset of the fields. Mismatches are refused when the
 * query is planned, not discovered on the data.
 *
 * <p>Options: {@code avro-single-object.record} (required: {@code clicks}, {@code purchases},
 * {@code shares}, or a record's full name) and {@code avro-single-object.ignore-parse-errors}
 * (default false: a record that cannot be decoded fails the query, naming the reason; true: it is
 * skipped, counted in the metric {@value AvroSingleObjectDeserializationSchema#SKIPPED_METRIC} and
 * logged). A null value (tombstone) is always skipped.
 */
public final class AvroSingleObjectFormatFactory implements DeserializationFormatFactory {
    public static final String IDENTIFIER = "avro-single-object";

    public static final ConfigOption<String> RECORD = ConfigOptions.key("record")
            .stringType()
            .noDefaultValue()
            .withDescription("Which event record the topic carries: clicks, purchases, shares, or the "
                    + "record's full name (e.g. io.customerpulse.events.avro.ClickEvent).");

    public static final ConfigOption<Boolean> IGNORE_PARSE_ERRORS = ConfigOptions.key("ignore-parse-errors")
            .booleanType()
            .defaultValue(false)
            .withDescription("Skip records that cannot be decoded (bad header, unknown writer schema, "
                    + "corrupt body), counting them in the metric "
                    + AvroSingleObjectDeserializationSchema.SKIPPED_METRIC
                    + ", instead of failing the query.");

    /** The topic words accepted by {@link #RECORD}, to the records' full names. */
    static final Map<String, String> RECORDS_BY_TOPIC = Map.of(
            "clicks", "io.customerpulse.events.avro.ClickEvent",
            "purchases", "io.customerpulse.events.avro.PurchaseEvent",
            "shares", "io.customerpulse.events.avro.ShareEvent");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(RECORD);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(IGNORE_PARSE_ERRORS);
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        String fullName = recordFullName(formatOptions.get(RECORD));
        List<Schema> writerSchemas = SchemaHistory.of(fullName);
        boolean ignoreParseErrors = formatOptions.get(IGNORE_PARSE_ERRORS);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context sourceContext, DataType physicalDataType) {
                RowType rowType = (RowType) physicalDataType.getLogicalType();
                Schema readerSchema = readerSchema(rowType, fullName, writerSchemas);
                TypeInformation<RowData> producedType = sourceContext.createTypeInformation(physicalDataType);
                return new AvroSingleObjectDeserializationSchema(
                        rowType, producedType, readerSchema, writerSchemas, ignoreParseErrors);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    /** The full name for a value of {@link #RECORD}; refuses a record without a schema history. */
    static String recordFullName(String record) {
        String fullName = RECORDS_BY_TOPIC.getOrDefault(record, record);
        if (SchemaHistory.of(fullName).isEmpty()) {
            Set<String> known = new TreeSet<>(RECORDS_BY_TOPIC.keySet());
            SchemaHistory.all().forEach(s -> known.add(s.getFullName()));
            throw new ValidationException("'" + IDENTIFIER + "." + RECORD.key() + "' = '" + record
                    + "' names no record of schemas/history; expected one of " + known);
        }
        return fullName;
    }

    /**
     * The Avro reader schema of a table's columns: flink-avro's conversion (non-legacy timestamps),
     * named like the writers' record so Avro resolves it against every version. Refused unless
     * every version can be read into it, including same logical types (Avro's own check compares
     * only the physical types, so a DECIMAL(10,3) column would silently rescale decimal(18,2)).
     */
    static Schema readerSchema(RowType columns, String fullName, List<Schema> writerSchemas) {
        Schema reader = AvroSchemaConverter.convertToSchema(columns.copy(false), fullName, false);
        for (Schema writer : writerSchemas) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new ValidationException("The table's columns " + columns + " cannot read the "
                        + fullName + " written with schema " + writer + ": "
                        + compatibility.getResult().getIncompatibilities());
            }
            for (Schema.Field column : reader.getFields()) {
                Schema.Field field = writer.getField(column.name());
                if (field == null) {
                    continue;
                }
                LogicalType wanted = nonNull(column.schema()).getLogicalType();
                LogicalType written = nonNull(field.schema()).getLogicalType();
                if (wanted != null && !describeFully(wanted).equals(written == null ? null : describeFully(written))) {
                    throw new ValidationException("Column " + column.name() + " reads Avro "
                            + wanted.getName() + describe(wanted) + " but " + fullName + " writes it as "
                            + (written == null ? "no logical type" : written.getName() + describe(written))
                            + " (timestamp-millis is TIMESTAMP_LTZ(3), decimal(p,s) is DECIMAL(p,s))");
                }
            }
        }
        return reader;
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    private static String describeFully(LogicalType type) {
        return type.getName() + describe(type);
    }

    private static String describe(LogicalType type) {
        if (type instanceof org.apache.avro.LogicalTypes.Decimal decimal) {
            return "(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
        }
        return "";
    }
}
