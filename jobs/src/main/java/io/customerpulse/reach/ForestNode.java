package io.customerpulse.reach;

/**
 * A user in the acquisition forest: their acquirer, how many users of their subtree sit at each
 * depth (index k-1 holds depth k: 1 = acquired directly), up to max_depth, and the newest
 * acquisition time at each depth.
 */
public class ForestNode {
    public String parent;
    public int[] descendantsAtDepth;
    public long[] newestAtDepth;

    public ForestNode() {}

    public ForestNode(int maxDepth) {
        this.descendantsAtDepth = new int[maxDepth];
        this.newestAtDepth = new long[maxDepth];
        java.util.Arrays.fill(newestAtDepth, Long.MIN_VALUE);
    }

    /** The newest acquisition in the subtree, down to max_depth (MIN_VALUE if none). */
    public long newestAcquisition() {
        long newest = Long.MIN_VALUE;
        for (long t : newestAtDepth) {
            newest = Math.max(newest, t);
        }
        return newest;
    }

    public int acquiredUsers() {
        return descendantsAtDepth[0];
    }

    public int cascadeReach() {
        int sum = 0;
        for (int n : descendantsAtDepth) {
            sum += n;
        }
        return sum;
    }

    public int cascadeDepth() {
        for (int k = descendantsAtDepth.length; k >= 1; k--) {
            if (descendantsAtDepth[k - 1] > 0) {
                return k;
            }
        }
        return 0;
    }
}
