package io.customerpulse.local;

import io.customerpulse.cli.PulseJob;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The benchmark's ingest limit: the live jobs' Kafka source, Avro decoding, validation, watermarks
 * and routing of refusals, then nothing. Every event is consumed; nothing is computed or written.
 */
final class RawIngestJob extends PulseJob {
    static final String JOB_NAME = "customer-pulse-raw-ingest";

    RawIngestJob() {
        jdbc.createSchema = false;
    }

    @Override
    public String jobName() {
        return JOB_NAME;
    }

    @Override
    protected String uidPrefix() {
        return "raw-ingest";
    }

    @Override
    protected String defaultGroupId() {
        return "pulse-raw-ingest";
    }

    @Override
    public DataStream<JobControl> liveControl(StreamExecutionEnvironment env) {
        return null; // no workflow, nothing to control
    }

    @Override
    public DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control) {
        return events.flatMap(new ConsumeEvent()).uid("raw-ingest-consume").name("consume");
    }

    /** Takes every event and emits nothing (an operator, so no chaining shortcut skips the records). */
    private static final class ConsumeEvent implements FlatMapFunction<PulseEvent, DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(PulseEvent event, Collector<DeadLetter> refusals) {
            // consumed
        }
    }
}
