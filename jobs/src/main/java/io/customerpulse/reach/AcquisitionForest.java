package io.customerpulse.reach;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The acquisition forest and its cascades. Each user has at most one acquirer, so the edges form
 * a forest. cascade_reach(A) counts A's subtree down to max_depth levels and cascade_depth(A) is
 * the deepest level reached.
 *
 * <p>Every node keeps its parent and the number of its descendants at each depth 1..max_depth.
 * Adding the edge P -> U walks at most max_depth - 1 parents up from P and adds U's subtree,
 * shifted by the distance, to each of those ancestors: bounded work per acquisition, however
 * big the trees. The result does not depend on the order edges arrive in: attaching a subtree
 * that already has descendants carries them along, with the newest acquisition time per depth,
 * so even the time a cascade last grew is the same whatever the order.
 *
 * <p>Cycles cannot arise from first events in order, but skewed clocks within the share wait
 * could produce one; an edge that would close a loop within max_depth levels is refused.
 */
public final class AcquisitionForest implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where the nodes live: a HashMap in tests, keyed RocksDB state in the job. */
    public interface Nodes {
        ForestNode get(String user) throws Exception;

        void put(String user, ForestNode node) throws Exception;
    }

    /** A user's cascade figures and the newest acquisition counted in them. */
    public record CascadeStats(String user, int acquiredUsers, int cascadeReach, int cascadeDepth, long newestAt) {}

    public enum Verdict { ACCEPTED, ALREADY_ACQUIRED, SELF, CYCLE }

    /** The verdict, and for an accepted edge the new figures of every ancestor that changed. */
    public record Outcome(Verdict verdict, List<CascadeStats> changed) {}

    private final int maxDepth;

    public AcquisitionForest(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** Adds "{@code parent} acquired {@code child} at {@code at}". */
    public Outcome addEdge(String parent, String child, long at, Nodes nodes) throws Exception {
        if (parent.equals(child)) {
            return new Outcome(Verdict.SELF, List.of());
        }
        ForestNode childNode = nodeOf(child, nodes);
        if (childNode.parent != null) {
            return new Outcome(Verdict.ALREADY_ACQUIRED, List.of());
        }
        List<String> ancestors = new ArrayList<>(maxDepth);
        String x = parent;
        while (x != null && ancestors.size() < maxDepth) {
            if (x.equals(child)) {
                return new Outcome(Verdict.CYCLE, List.of());
            }
            ancestors.add(x);
            ForestNode node = nodes.get(x);
            x = node == null ? null : node.parent;
        }

        childNode.parent = parent;
        nodes.put(child, childNode);
        // subtree[j]: users j levels below the child, the child itself at j = 0; newest[j] likewise
        int[] subtree = new int[maxDepth];
        long[] newest = new long[maxDepth];
        subtree[0] = 1;
        newest[0] = at;
        System.arraycopy(childNode.descendantsAtDepth, 0, subtree, 1, maxDepth - 1);
        System.arraycopy(childNode.newestAtDepth, 0, newest, 1, maxDepth - 1);

        List<CascadeStats> changed = new ArrayList<>(ancestors.size());
        for (int k = 1; k <= ancestors.size(); k++) {
            String ancestor = ancestors.get(k - 1);
            ForestNode node = nodeOf(ancestor, nodes);
            for (int j = 0; j + k <= maxDepth; j++) {
                node.descendantsAtDepth[j + k - 1] += subtree[j];
                node.newestAtDepth[j + k - 1] = Math.max(node.newestAtDepth[j + k - 1], newest[j]);
            }
            nodes.put(ancestor, node);
            changed.add(new CascadeStats(ancestor, node.acquiredUsers(), node.cascadeReach(), node.cascadeDepth(),
                    node.newestAcquisition()));
        }
        return new Outcome(Verdict.ACCEPTED, changed);
    }

    private ForestNode nodeOf(String user, Nodes nodes) throws Exception {
        ForestNode node = nodes.get(user);
        if (node == null) {
            node = new ForestNode(maxDepth);
        } else if (node.descendantsAtDepth.length != maxDepth) {
            // max_depth changed between runs: keep what fits
            int kept = node.descendantsAtDepth.length;
            node.descendantsAtDepth = java.util.Arrays.copyOf(node.descendantsAtDepth, maxDepth);
            node.newestAtDepth = java.util.Arrays.copyOf(node.newestAtDepth, maxDepth);
            if (kept < maxDepth) {
                java.util.Arrays.fill(node.newestAtDepth, kept, maxDepth, Long.MIN_VALUE);
            }
        }
        return node;
    }
}
