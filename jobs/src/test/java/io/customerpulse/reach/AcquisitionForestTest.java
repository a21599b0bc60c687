package io.customerpulse.reach;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

class AcquisitionForestTest {

    static final class MapNodes implements AcquisitionForest.Nodes {
        final Map<String, ForestNode> nodes = new HashMap<>();

        @Override
        public ForestNode get(String user) {
            return nodes.get(user);
        }

        @Override
        public void put(String user, ForestNode node) {
            nodes.put(user, node);
        }

        String stats(String user) {
            ForestNode n = nodes.get(user);
            return n == null ? "0/0/0" : n.acquiredUsers() + "/" + n.cascadeReach() + "/" + n.cascadeDepth();
        }
    }

    @Test
    void theIssuesExample() throws Exception {
        // A acquires B, B acquires C and D, D acquires E.
        MapNodes nodes = new MapNodes();
        AcquisitionForest forest = new AcquisitionForest(10);
        forest.addEdge("A", "B", 0, nodes);
        forest.addEdge("B", "C", 0, nodes);
        forest.addEdge("B", "D", 0, nodes);
        var last = forest.addEdge("D", "E", 0, nodes);

        // acquired_users / cascade_reach / cascade_depth
        assertThat(nodes.stats("A")).isEqualTo("1/4/3");
        assertThat(nodes.stats("B")).isEqualTo("2/3/2");
        assertThat(nodes.stats("D")).isEqualTo("1/1/1");
        assertThat(nodes.stats("C")).isEqualTo("0/0/0");
        assertThat(last.verdict()).isEqualTo(AcquisitionForest.Verdict.ACCEPTED);
        assertThat(last.changed()).extracting(AcquisitionForest.CascadeStats::user).containsExactly("D", "B", "A");
    }

    @Test
    void everyOrderOfTheEdgesGivesTheSameCascades() throws Exception {
        List<String[]> edges = List.of(new String[] {"A", "B"}, new String[] {"B", "C"}, new String[] {"B", "D"},
                new String[] {"D", "E"});
        for (List<String[]> order : permutations(edges)) {
            MapNodes nodes = new MapNodes();
            AcquisitionForest forest = new AcquisitionForest(10);
            for (String[] e : order) {
                forest.addEdge(e[0], e[1], 0, nodes);
            }
            assertThat(nodes.stats("A")).isEqualTo("1/4/3");
            assertThat(nodes.stats("B")).isEqualTo("2/3/2");
        }
    }

    @Test
    void cascadesStopAtMaxDepth() throws Exception {
        MapNodes nodes = new MapNodes();
        AcquisitionForest forest = new AcquisitionForest(3);
        // chain u0 -> u1 -> ... -> u5, added bottom-up to exercise subtree carrying
        for (int i = 4; i >= 0; i--) {
            forest.addEdge("u" + i, "u" + (i + 1), 0, nodes);
        }
        assertThat(nodes.stats("u0")).isEqualTo("1/3/3");
        assertThat(nodes.stats("u3")).isEqualTo("1/2/2");
    }

    @Test
    void refusesCyclesSelfLoopsAndSecondAcquirers() throws Exception {
        MapNodes nodes = new MapNodes();
        AcquisitionForest forest = new AcquisitionForest(10);
        forest.addEdge("A", "B", 0, nodes);
        forest.addEdge("B", "C", 0, nodes);
        assertThat(forest.addEdge("C", "A", 0, nodes).verdict()).isEqualTo(AcquisitionForest.Verdict.CYCLE);
        assertThat(forest.addEdge("X", "X", 0, nodes).verdict()).isEqualTo(AcquisitionForest.Verdict.SELF);
        assertThat(forest.addEdge("X", "C", 0, nodes).verdict()).isEqualTo(AcquisitionForest.Verdict.ALREADY_ACQUIRED);
        assertThat(nodes.stats("A")).isEqualTo("1/2/2");
    }

    @Test
    void matchesABreadthFirstCountOnRandomForestsInRandomOrder() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            int maxDepth = 1 + random.nextInt(6);
            int n = 2 + random.nextInt(60);
            Map<String, String> parentOf = new HashMap<>();
            List<String[]> edges = new ArrayList<>();
            Map<String, Long> acquiredAt = new HashMap<>();
            for (int i = 1; i < n; i++) {
                if (random.nextInt(5) > 0) { // some nodes stay roots
                    String parent = "n" + random.nextInt(i);
                    parentOf.put("n" + i, parent);
                    acquiredAt.put("n" + i, (long) random.nextInt(1000));
                    edges.add(new String[] {parent, "n" + i});
                }
            }
            Collections.shuffle(edges, random);
            MapNodes nodes = new MapNodes();
            AcquisitionForest forest = new AcquisitionForest(maxDepth);
            for (String[] e : edges) {
                assertThat(forest.addEdge(e[0], e[1], acquiredAt.get(e[1]), nodes).verdict())
                        .isEqualTo(AcquisitionForest.Verdict.ACCEPTED);
            }
            for (int i = 0; i < n; i++) {
                String user = "n" + i;
                assertThat(nodes.stats(user)).as("round %d, %s", round, user)
                        .isEqualTo(breadthFirst(user, parentOf, maxDepth));
                ForestNode node = nodes.nodes.get(user);
                long newest = node == null ? Long.MIN_VALUE : node.newestAcquisition();
                assertThat(newest).as("newest acquisition under %s", user)
                        .isEqualTo(newestWithin(user, parentOf, acquiredAt, maxDepth));
            }
        }
    }

    /** acquired/reach/depth by walking children level by level: the definition, literally. */
    private static String breadthFirst(String root, Map<String, String> parentOf, int maxDepth) {
        Map<String, List<String>> children = new HashMap<>();
        parentOf.forEach((child, parent) -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(child));
        int direct = children.getOrDefault(root, List.of()).size();
        int reach = 0;
        int depth = 0;
        Deque<String> level = new ArrayDeque<>(List.of(root));
        for (int d = 1; d <= maxDepth && !level.isEmpty(); d++) {
            Deque<String> next = new ArrayDeque<>();
            for (String u : level) {
                next.addAll(children.getOrDefault(u, List.of()));
            }
            if (!next.isEmpty()) {
                reach += next.size();
                depth = d;
            }
            level = next;
        }
        return direct + "/" + reach + "/" + depth;
    }

    /** The newest acquisition time among the user's descendants down to maxDepth levels. */
    private static long newestWithin(String root, Map<String, String> parentOf, Map<String, Long> acquiredAt, int maxDepth) {
        long newest = Long.MIN_VALUE;
        for (String u : parentOf.keySet()) {
            int depth = 0;
            String x = u;
            while (x != null && !x.equals(root) && depth <= maxDepth) {
                x = parentOf.get(x);
                depth++;
            }
            if (root.equals(x) && depth >= 1 && depth <= maxDepth) {
                newest = Math.max(newest, acquiredAt.get(u));
            }
        }
        return newest;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> p : permutations(rest)) {
                List<T> withHead = new ArrayList<>();
                withHead.add(head);
                withHead.addAll(p);
                all.add(withHead);
            }
        }
        return all;
    }
}
