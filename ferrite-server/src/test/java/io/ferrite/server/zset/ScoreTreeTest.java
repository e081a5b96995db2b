package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The B+-tree against a model (a sorted list of (score, member) plus a map member → score), by
 * random operations: insert, delete, score change, rank, pair at rank, the four prefix counts,
 * rank-range deletion and iteration both ways. Small capacities make splits, merges, borrows
 * and root changes happen every few operations; every invariant is checked as it goes.
 */
class ScoreTreeTest {
    private record Pair(double score, byte[] member) {}

    /** Redis's order: score (-0.0 equal to 0.0), then member bytes unsigned. */
    private static final Comparator<Pair> ORDER = (a, b) -> {
        if (a.score < b.score) return -1;
        if (a.score > b.score) return 1;
        return Arrays.compareUnsigned(a.member, b.member);
    };

    private static String key(byte[] m) { return new String(m, StandardCharsets.ISO_8859_1); }

    /** The model and the tree (with its member index) side by side. */
    private static final class Harness {
        final SplittableRandom rnd;
        final ScoreTree tree;
        final ScoreMap dict = new ScoreMap(4);
        final List<Pair> model = new ArrayList<>();
        final Map<String, Double> scores = new HashMap<>();
        final boolean equalScores;
        long ops;
        int maxSize, maxHeight, emptied;

        Harness(long seed, int leafCap, int innerCap, boolean equalScores) {
            rnd = new SplittableRandom(seed);
            tree = new ScoreTree(leafCap, innerCap);
            this.equalScores = equalScores;
        }

        /** Scores from a small set, so ties (ordered by member) are frequent; ±0 and ±inf included. */
        double randomScore() {
            if (equalScores) return 0.0;
            return switch (rnd.nextInt(12)) {
                case 0 -> -0.0;
                case 1 -> 0.0;
                case 2 -> Double.POSITIVE_INFINITY;
                case 3 -> Double.NEGATIVE_INFINITY;
                case 4 -> rnd.nextDouble() * 1e6 - 5e5;
                default -> rnd.nextInt(40) - 20;
            };
        }

        /**
         * Members of 0-6 bytes over an alphabet with 0x00 and 0xff (unsigned order matters), a
         * short one (the empty member included) one time in eight.
         */
        byte[] randomMember() {
            byte[] alphabet = {0, 1, 'a', 'b', 'z', (byte) 0x7f, (byte) 0x80, (byte) 0xff};
            byte[] m = new byte[rnd.nextInt(8) == 0 ? rnd.nextInt(3) : 3 + rnd.nextInt(4)];
            for (int i = 0; i < m.length; i++) m[i] = alphabet[rnd.nextInt(alphabet.length)];
            return m;
        }

        int modelIndex(double score, byte[] member) {
            return Collections.binarySearch(model, new Pair(score, member), ORDER);
        }

        Pair randomPresent() {
            return model.get(rnd.nextInt(model.size()));
        }

        void insert() {
            byte[] m = randomMember();
            if (scores.containsKey(key(m))) return;
            double s = randomScore();
            tree.insert(s, m);
            dict.add(m, s);
            int i = modelIndex(s, m);
            assertThat(i).isNegative();
            model.add(-i - 1, new Pair(s, m));
            scores.put(key(m), s);
        }

        void delete() {
            if (model.isEmpty() || rnd.nextInt(8) == 0) {
                byte[] m = randomMember();
                if (!scores.containsKey(key(m))) assertThat(tree.delete(randomScore(), m)).isFalse();
                return;
            }
            Pair p = randomPresent();
            // Another array with the same bytes: the tree compares contents, not references.
            assertThat(tree.delete(p.score, p.member.clone())).isTrue();
            assertThat(dict.remove(p.member)).isNotNull();
            model.remove(modelIndex(p.score, p.member));
            scores.remove(key(p.member));
        }

        void update() {
            if (model.isEmpty() || equalScores) return;
            Pair p = randomPresent();
            double s = rnd.nextBoolean() ? randomScore() : p.score + (rnd.nextInt(5) - 2);
            if (Double.isNaN(s) || s == p.score) return;
            tree.updateScore(p.score, p.member, s);
            dict.entry(p.member).score = s;
            model.remove(modelIndex(p.score, p.member));
            int i = modelIndex(s, p.member);
            model.add(-i - 1, new Pair(s, p.member));
            scores.put(key(p.member), s);
        }

        void rank() {
            if (!model.isEmpty() && rnd.nextInt(4) != 0) {
                int r = rnd.nextInt(model.size());
                Pair p = model.get(r);
                assertThat(tree.rank(p.score, p.member.clone())).isEqualTo(r + 1);
            } else {
                byte[] m = randomMember();
                double s = randomScore();
                Double cur = scores.get(key(m));
                int expected = cur != null && cur == s ? modelIndex(s, m) + 1 : 0;
                assertThat(tree.rank(s, m)).isEqualTo(expected);
            }
        }

        void at() {
            if (model.isEmpty()) return;
            int r = rnd.nextInt(model.size());
            ScoreTree.Cursor c = tree.cursorAt(r + 1);
            // A few steps each way from there, across leaf boundaries.
            int steps = rnd.nextInt(40);
            int i = r;
            for (int k = 0; k < steps; k++) {
                assertSamePair(c, model.get(i));
                if (!c.next()) {
                    assertThat(i).isEqualTo(model.size() - 1);
                    break;
                }
                i++;
            }
            c = tree.cursorAt(r + 1);
            i = r;
            for (int k = 0; k < steps; k++) {
                assertSamePair(c, model.get(i));
                if (!c.previous()) {
                    assertThat(i).isZero();
                    break;
                }
                i--;
            }
        }

        void counts() {
            if (!equalScores) {
                double a = randomScore(), b = randomScore();
                ScoreRange range = new ScoreRange(a, rnd.nextBoolean(), b, rnd.nextBoolean());
                int below = 0, upTo = 0;
                for (Pair p : model) {
                    if (!range.gteMin(p.score)) below++;
                    if (range.lteMax(p.score)) upTo++;
                }
                assertThat(tree.countBelow(range)).as("countBelow").isEqualTo(below);
                assertThat(tree.countUpTo(range)).as("countUpTo").isEqualTo(upTo);
            } else {
                LexRange range = LexRange.parse(lexBound(), lexBound());
                int below = 0, upTo = 0;
                for (Pair p : model) {
                    if (!range.gteMin(p.member)) below++;
                    if (range.lteMax(p.member)) upTo++;
                }
                assertThat(tree.countBelow(range)).as("lex countBelow").isEqualTo(below);
                assertThat(tree.countUpTo(range)).as("lex countUpTo").isEqualTo(upTo);
            }
        }

        byte[] lexBound() {
            int k = rnd.nextInt(10);
            if (k == 0) return new byte[] {'-'};
            if (k == 1) return new byte[] {'+'};
            byte[] m = randomMember();
            byte[] b = new byte[m.length + 1];
            b[0] = (byte) (rnd.nextBoolean() ? '[' : '(');
            System.arraycopy(m, 0, b, 1, m.length);
            return b;
        }

        /** Removes a few pairs by rank, or, when big, up to all of them. */
        void deleteRange(boolean big) {
            if (model.isEmpty()) return;
            int n = model.size();
            int start = 1 + rnd.nextInt(n);
            int len = !big ? rnd.nextInt(6) + 1 : rnd.nextInt(8) == 0 ? rnd.nextInt(n) + 1 : rnd.nextInt(70) + 1;
            int end = Math.min(n, start + len - 1);
            int removed = tree.deleteRange(start, end, dict);
            assertThat(removed).isEqualTo(end - start + 1);
            List<Pair> gone = model.subList(start - 1, end);
            for (Pair p : gone) {
                scores.remove(key(p.member));
                assertThat(dict.entry(p.member)).isNull();
            }
            gone.clear();
        }

        void iterate() {
            if (model.isEmpty()) return;
            int n = model.size();
            int a = rnd.nextInt(n), b = rnd.nextInt(n);
            int lo = Math.min(a, b), hi = Math.max(a, b);
            boolean reverse = rnd.nextBoolean();
            List<Pair> seen = new ArrayList<>();
            tree.forEach(reverse ? hi + 1 : lo + 1, hi - lo + 1, reverse, (m, s) -> seen.add(new Pair(s, m)));
            List<Pair> expected = new ArrayList<>(model.subList(lo, hi + 1));
            if (reverse) Collections.reverse(expected);
            assertThat(seen).hasSize(expected.size());
            for (int i = 0; i < seen.size(); i++) assertSame(seen.get(i), expected.get(i));
        }

        void step() {
            ops++;
            // Phases of growth and shrinking, so the tree also empties and regrows.
            boolean growing = (ops / 6000) % 2 == 0;
            int k = rnd.nextInt(100);
            int insertShare = growing ? 45 : 20;
            if (k < insertShare) insert();
            else if (k < 55) delete();
            else if (k < 67) update();
            else if (k < 75) rank();
            else if (k < 82) at();
            else if (k < 89) counts();
            else if (k < (growing ? 90 : 94)) deleteRange(!growing);
            else iterate();
            maxSize = Math.max(maxSize, model.size());
            maxHeight = Math.max(maxHeight, tree.height());
            if (model.isEmpty() && !growing) emptied++;
        }

        void verify() {
            tree.check();
            assertThat(tree.size()).isEqualTo(model.size());
            assertThat(dict.size()).isEqualTo(model.size());
            if (!model.isEmpty()) {
                assertThat(tree.firstMember()).isSameAs(model.get(0).member);
                assertThat(tree.lastMember()).isSameAs(model.get(model.size() - 1).member);
            }
        }
    }

    private static void assertSamePair(ScoreTree.Cursor c, Pair expected) {
        assertSame(new Pair(c.score(), c.member()), expected);
    }

    private static void assertSame(Pair actual, Pair expected) {
        assertThat(actual.member).isEqualTo(expected.member);
        // Bits, not ==: -0.0 stays -0.0.
        assertThat(Double.doubleToRawLongBits(actual.score)).isEqualTo(Double.doubleToRawLongBits(expected.score));
    }

    @ParameterizedTest(name = "leaf {0}, inner {1}, seed {2}")
    @CsvSource({
        "2, 4, 1", "3, 4, 2", "4, 5, 3", "5, 6, 4", "8, 8, 5", "16, 4, 6", "64, 64, 7",
        "4, 4, 11", "6, 7, 12", "2, 5, 13",
    })
    void randomOperationsMatchTheModel(int leafCap, int innerCap, long seed) {
        Harness h = new Harness(seed, leafCap, innerCap, false);
        for (int i = 0; i < 120_000; i++) {
            h.step();
            if (i % 7 == 0 || h.model.size() < 20) h.verify();
        }
        h.verify();
        // The run went deep and came back: several levels, and empty again in a shrinking phase.
        assertThat(h.maxSize).isGreaterThan(1500);
        assertThat(h.maxHeight).isGreaterThanOrEqualTo(leafCap <= 8 ? 3 : 1);
        assertThat(h.emptied).isPositive();
    }

    @ParameterizedTest(name = "leaf {0}, inner {1}, seed {2}")
    @CsvSource({"2, 4, 21", "4, 5, 22", "8, 8, 23"})
    void equalScoresAnswerLexRanges(int leafCap, int innerCap, long seed) {
        Harness h = new Harness(seed, leafCap, innerCap, true);
        for (int i = 0; i < 60_000; i++) {
            h.step();
            if (i % 5 == 0) h.verify();
        }
        h.verify();
    }

    @Test
    void builderFillsNodesAndKeepsTheInvariants() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int n = 0; n < 400; n += 1 + n / 20) {
            for (int[] caps : new int[][] {{2, 4}, {3, 5}, {8, 8}, {64, 64}}) {
                ScoreTree.Builder b = new ScoreTree.Builder(caps[0], caps[1]);
                List<Pair> pairs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    byte[] m = ("m" + (1000 + i)).getBytes(StandardCharsets.US_ASCII);
                    pairs.add(new Pair(i / 3, m));
                    b.add(i / 3, m);
                }
                ScoreTree t = b.build();
                t.check();
                assertThat(t.size()).isEqualTo(n);
                for (int i = 0; i < n; i++) assertThat(t.rank(pairs.get(i).score, pairs.get(i).member)).isEqualTo(i + 1);
                // The built tree takes further changes like any other.
                for (int i = 0; i < n; i++) {
                    Pair p = pairs.get(rnd.nextInt(pairs.size()));
                    if (rnd.nextBoolean()) {
                        assertThat(t.delete(p.score, p.member)).isTrue();
                        pairs.remove(p);
                    } else {
                        t.updateScore(p.score, p.member, p.score + 0.5);
                        pairs.set(pairs.indexOf(p), new Pair(p.score + 0.5, p.member));
                    }
                    t.check();
                    if (pairs.isEmpty()) break;
                }
            }
        }
    }

    @Test
    void orderedInsertsFillLeavesMoreThanHalf() {
        // Appending at the tail (timestamps as scores) or prepending at the head (RESTORE loads
        // greatest first) splits unevenly: the old leaf stays nearly full.
        for (boolean ascending : new boolean[] {true, false}) {
            ScoreTree t = new ScoreTree(64, 64);
            int n = 100_000;
            for (int i = 0; i < n; i++) {
                int s = ascending ? i : n - i;
                t.insert(s, ("m" + s).getBytes(StandardCharsets.US_ASCII));
            }
            t.check();
            assertThat(t.leafCount()).as("leaves, ascending=" + ascending).isLessThan(n / 40);
        }
    }

    @Test
    void heightStaysLogarithmicUnderDeletions() {
        ScoreTree t = new ScoreTree(4, 4);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            byte[] m = ("m" + i).getBytes(StandardCharsets.US_ASCII);
            t.insert(i, m);
            pairs.add(new Pair(i, m));
        }
        // Delete all but every 50th, from the front: merges and borrows all the way.
        for (int i = 0; i < pairs.size(); i++) if (i % 50 != 0) assertThat(t.delete(pairs.get(i).score, pairs.get(i).member)).isTrue();
        t.check();
        assertThat(t.size()).isEqualTo(1000);
        // Leaves at least 1/4 full, inner nodes at least 2 children: height ≤ log2(1000) + 1.
        assertThat(t.height()).isLessThanOrEqualTo(11);
    }

    @Test
    void scoreChangeInPlaceKeepsTheSeparatorExact() {
        ScoreTree t = new ScoreTree(4, 4);
        byte[][] m = new byte[40][];
        for (int i = 0; i < 40; i++) {
            m[i] = new byte[] {(byte) i};
            t.insert(i * 10, m[i]);
        }
        // The first pair of a leaf moves within its bounds: no re-insertion, separators follow.
        for (int i = 0; i < 40; i++) {
            t.updateScore(i * 10, m[i], i * 10 - 1);
            t.check();
            t.updateScore(i * 10 - 1, m[i], i * 10 + 1);
            t.check();
        }
        t.updateScore(1, m[0], -0.0);
        t.check();
        assertThat(t.rank(-0.0, m[0])).isEqualTo(1);
        assertThat(Double.doubleToRawLongBits(t.firstScore())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }
}
