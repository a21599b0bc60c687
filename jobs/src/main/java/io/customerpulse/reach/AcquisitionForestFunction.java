package io.customerpulse.reach;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquisition forest ({@link AcquisitionForest}) in one keyed MapState: every user is its
 * own RocksDB entry, so a sharer with millions of descendants costs millions of small entries,
 * never one huge value. It runs with parallelism 1 under a single key because an acquisition
 * updates nodes anywhere up its chain; the work per acquisition is bounded by max_depth, and
 * acquisitions are rare next to events (one per acquired user).
 */
public class AcquisitionForestFunction extends KeyedProcessFunction<String, Acquisition, SharerUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AcquisitionForestFunction.class);

    /** The single key of the forest. */
    public static final String FOREST = "forest";

    public static final OutputTag<DailyDelta> DAILY =
            new OutputTag<>("acquisition-daily", TypeInformation.of(DailyDelta.class));

    private final int maxDepth;

    private transient AcquisitionForest forest;
    private transient MapState<String, ForestNode> nodes;
    private transient AcquisitionForest.Nodes store;
    private transient Counter refused;

    public AcquisitionForestFunction(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    @Override
    public void open(OpenContext openContext) {
        forest = new AcquisitionForest(maxDepth);
        nodes = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("forest-nodes", Types.STRING, TypeInformation.of(ForestNode.class)));
        store = new AcquisitionForest.Nodes() {
            @Override
            public ForestNode get(String user) throws Exception {
                return nodes.get(user);
            }

            @Override
            public void put(String user, ForestNode node) throws Exception {
                nodes.put(user, node);
            }
        };
        refused = getRuntimeContext().getMetricGroup().counter("acquisitionsRefused");
    }

    @Override
    public void processElement(Acquisition a, Context ctx, Collector<SharerUpdate> out) throws Exception {
        AcquisitionForest.Outcome outcome = forest.addEdge(a.acquirer, a.user, a.at, store);
        if (outcome.verdict() != AcquisitionForest.Verdict.ACCEPTED) {
            refused.inc();
            LOG.warn("Acquisition of {} by {} refused: {}", a.user, a.acquirer, outcome.verdict());
            return;
        }
        out.collect(SharerUpdate.acquiredBy(a.user, a.acquirer, a.at));
        for (AcquisitionForest.CascadeStats stats : outcome.changed()) {
            out.collect(SharerUpdate.cascade(stats));
        }
        ctx.output(DAILY, DailyDelta.acquisition(a.shareDay, a.shareChannel, a.at));
    }
}
