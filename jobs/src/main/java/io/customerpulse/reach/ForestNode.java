package io.customerpulse.reach;

/**
 * A user in the acquisition forest: their acquirer and how many users of their subtree sit at
 * each depth (index k-1 holds depth k: 1 = acquired directly), up to max_depth.
 */
public class ForestNode {
    public String parent;
    public int[] descendantsAtDepth;

    public ForestNode() {}

    public ForestNode(int maxDepth) {
        this.descendantsAtDepth = new int[maxDepth];
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
