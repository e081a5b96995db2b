package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The value classes against a reference model: a TreeSet of (score, member) ordered as Redis
 * orders them, plus a map of member → score. Runs without a server.
 */
class SortedSetTest {
    /** An element of the reference model. */
    private record Elem(double score, byte[] member) {}

    private static final Comparator<Elem> ORDER = (a, b) -> {
        int c = Double.compare(a.score, b.score);
        // Double.compare orders -0.0 before 0.0; Redis (and Ferrite) treat them as equal scores.
        if (a.score == b.score) c = 0;
        return c != 0 ? c : Arrays.compareUnsigned(a.member, b.member);
    };

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static final class Model {
        final TreeSet<Elem> order = new TreeSet<>(ORDER);
        final Map<String, Double> scores = new HashMap<>();

        void put(byte[] m, double s) {
            String k = new String(m, StandardCharsets.ISO_8859_1);
            Double old = scores.put(k, s);
            if (old != null) order.remove(new Elem(old, m));
            order.add(new Elem(s, m));
        }

        boolean remove(byte[] m) {
            Double old = scores.remove(new String(m, StandardCharsets.ISO_8859_1));
            if (old == null) return false;
            order.remove(new Elem(old, m));
            return true;
        }

        List<Elem> list() { return new ArrayList<>(order); }
    }

    private static List<Elem> contents(SortedSet z) {
        List<Elem> out = new ArrayList<>();
        z.forEach((m, s) -> out.add(new Elem(s, m)));
        return out;
    }

    private static void assertSame(SortedSet z, Model model) {
        List<Elem> expected = model.list();
        List<Elem> actual = contents(z);
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).member()).isEqualTo(expected.get(i).member());
            assertThat(actual.get(i).score()).isEqualTo(expected.get(i).score());
        }
    }

    @Test
    void equalScoresAreOrderedByUnsignedMemberBytes() {
        for (SortedSet z : new SortedSet[] {SortedSet.listpack(4), SortedSet.skiplist(4)}) {
            z.insertNew(1, new byte[] {(byte) 0xff});
            z.insertNew(1, b("b"));
            z.insertNew(1, b("a"));
            z.insertNew(1, b("ab"));
            z.insertNew(0, b("z"));
            List<String> order = new ArrayList<>();
            z.forEach((m, s) -> order.add(new String(m, StandardCharsets.ISO_8859_1)));
            assertThat(order).as(z.encoding()).containsExactly("z", "a", "ab", "b", "\u00ff");
        }
    }

    @Test
    void randomOperationsOn100kMembersMatchATreeSetModel() {
        Random rnd = new Random(42);
        SortedSet z = SortedSet.skiplist(16);
        Model model = new Model();
        int universe = 150_000;
        for (int i = 0; i < 100_000; i++) {
            byte[] m = b("m" + rnd.nextInt(universe));
            double s = rnd.nextInt(1000); // many ties: order by member matters
            z.add(s, m, 0, 128, 64);
            model.put(m, s);
        }
        assertSame(z, model);
        for (int op = 0; op < 50_000; op++) {
            int kind = rnd.nextInt(4);
            byte[] m = b("m" + rnd.nextInt(universe));
            switch (kind) {
                case 0 -> { // ZINCRBY
                    int out = z.add(rnd.nextInt(21) - 10, m, SortedSet.IN_INCR, 128, 64);
                    assertThat(out & SortedSet.OUT_NAN).isZero();
                    model.put(m, z.lastScore());
                }
                case 1 -> assertThat(z.remove(m)).isEqualTo(model.remove(m));
                case 2 -> {
                    z.add(rnd.nextInt(1000), m, 0, 128, 64);
                    model.put(m, z.score(m));
                }
                default -> {
                    Double s = model.scores.get(new String(m, StandardCharsets.ISO_8859_1));
                    if (s == null) {
                        assertThat(z.rank(m)).isEqualTo(-1);
                        assertThat(z.score(m)).isNaN();
                    } else {
                        assertThat(z.score(m)).isEqualTo(s);
                    }
                }
            }
            if (op % 1_000 == 999) { // ranks and elements at ranks against a snapshot of the model
                List<Elem> ref = model.list();
                for (int k = 0; k < 100; k++) {
                    int r = rnd.nextInt(ref.size());
                    assertThat(z.rank(ref.get(r).member())).isEqualTo(r);
                    assertThat(z.memberAt(r)).isEqualTo(ref.get(r).member());
                    assertThat(z.scoreAt(r)).isEqualTo(ref.get(r).score());
                }
            }
        }
        assertThat(z.size()).isEqualTo(model.scores.size());
        assertSame(z, model);
    }

    @Test
    void scoreRangesCountLikeTheModel() {
        Random rnd = new Random(7);
        for (SortedSet z : new SortedSet[] {SortedSet.listpack(128), SortedSet.skiplist(1000)}) {
            Model model = new Model();
            int n = z.isListpack() ? 100 : 5000;
            for (int i = 0; i < n; i++) {
                byte[] m = b("x" + i);
                double s = rnd.nextInt(50) / 2.0;
                z.insertNew(s, m);
                model.put(m, s);
            }
            List<Elem> ref = model.list();
            for (int t = 0; t < 500; t++) {
                double a = rnd.nextInt(60) / 2.0 - 2, c = rnd.nextInt(60) / 2.0 - 2;
                boolean ax = rnd.nextBoolean(), cx = rnd.nextBoolean();
                ScoreRange r = ScoreRange.parse(b((ax ? "(" : "") + a), b((cx ? "(" : "") + c));
                long expected = ref.stream().filter(e -> (ax ? e.score > a : e.score >= a)
                        && (cx ? e.score < c : e.score <= c)).count();
                long first = z.firstRank(r), end = z.endRank(r);
                assertThat(Math.max(0, end - first)).isEqualTo(expected);
                if (expected > 0) assertThat(r.gteMin(ref.get((int) first).score())).isTrue();
            }
        }
    }

    @Test
    void lexRangesOnEqualScoresCountLikeTheModel() {
        Random rnd = new Random(9);
        for (SortedSet z : new SortedSet[] {SortedSet.listpack(128), SortedSet.skiplist(1000)}) {
            List<String> members = new ArrayList<>();
            int n = z.isListpack() ? 100 : 3000;
            for (int i = 0; i < n; i++) {
                String m = Integer.toString(rnd.nextInt(100_000), 36);
                if (!members.contains(m)) {
                    members.add(m);
                    z.insertNew(0, b(m));
                }
            }
            members.sort(Comparator.naturalOrder());
            for (int t = 0; t < 300; t++) {
                String lo = Integer.toString(rnd.nextInt(100_000), 36), hi = Integer.toString(rnd.nextInt(100_000), 36);
                boolean lx = rnd.nextBoolean(), hx = rnd.nextBoolean();
                LexRange r = LexRange.parse(b((lx ? "(" : "[") + lo), b((hx ? "(" : "[") + hi));
                long expected = members.stream().filter(m -> (lx ? m.compareTo(lo) > 0 : m.compareTo(lo) >= 0)
                        && (hx ? m.compareTo(hi) < 0 : m.compareTo(hi) <= 0)).count();
                assertThat(Math.max(0, z.endRank(r) - z.firstRank(r))).isEqualTo(expected);
            }
            LexRange all = LexRange.parse(b("-"), b("+"));
            assertThat(z.endRank(all) - z.firstRank(all)).isEqualTo(members.size());
        }
    }

    @Test
    void removeRangeByRankKeepsRanksConsistent() {
        Random rnd = new Random(3);
        SortedSet z = SortedSet.skiplist(16);
        Model model = new Model();
        for (int i = 0; i < 20_000; i++) {
            byte[] m = b("k" + i);
            double s = rnd.nextInt(100);
            z.insertNew(s, m);
            model.put(m, s);
        }
        while (z.size() > 0) {
            List<Elem> ref = model.list();
            int from = rnd.nextInt(ref.size());
            int to = Math.min(ref.size() - 1, from + rnd.nextInt(500));
            assertThat(z.removeRange(from, to)).isEqualTo(to - from + 1);
            for (int i = from; i <= to; i++) model.remove(ref.get(i).member());
            if (z.size() > 0) {
                int r = rnd.nextInt(z.size());
                Elem e = model.list().get(r);
                assertThat(z.rank(e.member())).isEqualTo(r);
            }
        }
        assertThat(model.scores).isEmpty();
    }

    @Test
    void reverseIterationWalksBackwardLinks() {
        SortedSet z = SortedSet.skiplist(16);
        for (int i = 0; i < 1000; i++) z.insertNew(i, b("m" + i));
        List<Double> seen = new ArrayList<>();
        z.forEach(10, 19, true, (m, s) -> seen.add(s));
        assertThat(seen).containsExactly(19.0, 18.0, 17.0, 16.0, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0);
    }

    @Test
    void incrementThatKeepsThePlaceOnlyChangesTheScore() {
        SortedSet z = SortedSet.skiplist(16);
        z.insertNew(1, b("a"));
        z.insertNew(5, b("b"));
        z.insertNew(9, b("c"));
        assertThat(z.add(1, b("b"), SortedSet.IN_INCR, 128, 64)).isEqualTo(SortedSet.OUT_UPDATED);
        assertThat(z.lastScore()).isEqualTo(6);
        assertThat(z.rank(b("b"))).isEqualTo(1);
        assertThat(z.add(10, b("b"), SortedSet.IN_INCR, 128, 64)).isEqualTo(SortedSet.OUT_UPDATED);
        assertThat(z.rank(b("b"))).isEqualTo(2);
        assertThat(z.memberAt(2)).isEqualTo(b("b"));
    }

    @Test
    void listpackConvertsWhenAnInsertWouldPassEitherLimit() {
        SortedSet z = SortedSet.listpack(4);
        for (int i = 0; i < 3; i++) z.add(i, b("m" + i), 0, 3, 8);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.add(9, b("m9"), 0, 3, 8);
        assertThat(z.encoding()).isEqualTo("skiplist");
        assertThat(z.size()).isEqualTo(4);
        SortedSet y = SortedSet.listpack(4);
        y.add(1, b("12345678"), 0, 3, 8);
        assertThat(y.encoding()).isEqualTo("listpack");
        y.add(1, b("123456789"), 0, 3, 8);
        assertThat(y.encoding()).isEqualTo("skiplist");
        assertThat(y.rank(b("123456789"))).isEqualTo(1);
    }

    @Test
    void copyIsDeep() {
        for (SortedSet z : new SortedSet[] {SortedSet.listpack(4), SortedSet.skiplist(4)}) {
            z.insertNew(1, b("a"));
            SortedSet c = z.copy();
            c.insertNew(2, b("b"));
            z.remove(b("a"));
            assertThat(z.size()).isZero();
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.encoding()).isEqualTo(z.encoding());
        }
    }

    @Test
    void g17FormatsLikeCPrintf() {
        assertThat(new String(SortedSetCommands.formatG17(0.1))).isEqualTo("0.10000000000000001");
        assertThat(new String(SortedSetCommands.formatG17(1.5))).isEqualTo("1.5");
        assertThat(new String(SortedSetCommands.formatG17(1e20))).isEqualTo("1e+20");
        assertThat(new String(SortedSetCommands.formatG17(123456789012.0))).isEqualTo("123456789012");
        assertThat(new String(SortedSetCommands.formatG17(1e17))).isEqualTo("1e+17");
        assertThat(new String(SortedSetCommands.formatG17(1e16))).isEqualTo("10000000000000000");
        assertThat(new String(SortedSetCommands.formatG17(-2.5e-5))).isEqualTo("-2.5000000000000001e-05");
        assertThat(new String(SortedSetCommands.formatG17(0.0001))).isEqualTo("0.0001");
        assertThat(new String(SortedSetCommands.formatG17(Double.NEGATIVE_INFINITY))).isEqualTo("-inf");
    }
}
