package io.customerpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.SstFileReader;
import org.rocksdb.TableProperties;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The RocksDB settings of {@link JobOptions#flinkConfiguration} reach the files RocksDB writes:
 * a keyed operator on a state backend configured from them, as a job's is, writes state, an
 * incremental snapshot flushes it to SST files, and each file's own table properties say how it
 * was written. (A job-level setting Flink did not pass on to RocksDB would leave them at
 * Flink's defaults: Snappy, no bloom filter.)
 */
class RocksDbSettingsTest {

    @Test
    void stateFilesAreUncompressedWithBloomFilters(@TempDir Path rocksDir) throws Exception {
        Configuration jobConf = JobOptions.parse().flinkConfiguration("rocksdb-settings");
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend()
                .configure(jobConf, getClass().getClassLoader());
        backend.setDbStoragePath(rocksDir.toString());

        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RememberLatest()), (String value) -> value.substring(0, 8), Types.STRING)) {
            harness.setStateBackend(backend);
            harness.open();
            for (int user = 0; user < 5_000; user++) {
                harness.processElement(String.format("u%07d some state of this user", user), user);
            }
            harness.snapshot(1L, 1L); // a native RocksDB checkpoint: flushes the memtable to SST files

            List<TableProperties> files = sstFilesUnder(rocksDir);
            assertThat(files).isNotEmpty();
            for (TableProperties file : files) {
                assertThat(file.getCompressionName()).isEqualTo("NoCompression");
                assertThat(file.getFilterPolicyName()).containsIgnoringCase("bloom");
            }
        }
    }

    private static List<TableProperties> sstFilesUnder(Path dir) throws Exception {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(p -> p.toString().endsWith(".sst")).toList();
        }
        List<TableProperties> properties = new ArrayList<>();
        for (Path path : paths) {
            try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
                reader.open(path.toString());
                properties.add(reader.getTableProperties());
            }
        }
        return properties;
    }

    /** Keeps the latest value per key: state enough for RocksDB to write files. */
    private static final class RememberLatest extends KeyedProcessFunction<String, String, String> {
        private transient ValueState<String> latest;

        @Override
        public void open(OpenContext context) {
            latest = getRuntimeContext().getState(new ValueStateDescriptor<>("latest", Types.STRING));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            latest.update(value);
        }
    }
}
