package io.ferrite.server.list;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        if (l.isEmpty()) return out;
        ListValue.Cursor it = l.cursor(0, false);
        while (it.hasNext()) out.add(new String(it.next(), StandardCharsets.UTF_8));
        return out;
    }

    private static void rpush(ListValue l, int fill, String... vs) {
        long bytes = 0;
        for (String v : vs) bytes += v.length();
        l.beforeGrowing(fill, bytes, vs.length);
        for (String v : vs) l.push(b(v), false);
    }

    // ---- listpack entry sizes (listpack.c)

    @Test
    void entryBytesFollowListpackEncodings() {
        assertThat(ListValue.entryBytes(b("0"))).isEqualTo(2);       // 7-bit uint
        assertThat(ListValue.entryBytes(b("127"))).isEqualTo(2);
        assertThat(ListValue.entryBytes(b("128"))).isEqualTo(3);     // 13-bit int
        assertThat(ListValue.entryBytes(b("-4096"))).isEqualTo(3);
        assertThat(ListValue.entryBytes(b("4096"))).isEqualTo(4);    // 16-bit
        assertThat(ListValue.entryBytes(b("-8388608"))).isEqualTo(5); // 24-bit
        assertThat(ListValue.entryBytes(b("2147483647"))).isEqualTo(6); // 32-bit
        assertThat(ListValue.entryBytes(b("9223372036854775807"))).isEqualTo(10); // 64-bit
        // Not canonical integers: strings.
        assertThat(ListValue.entryBytes(b("9223372036854775808"))).isEqualTo(1 + 19 + 1);
        assertThat(ListValue.entryBytes(b("-0"))).isEqualTo(1 + 2 + 1);
        assertThat(ListValue.entryBytes(b("01"))).isEqualTo(1 + 2 + 1);
        assertThat(ListValue.entryBytes(b(""))).isEqualTo(2);
        assertThat(ListValue.entryBytes(new byte[63])).isEqualTo(1 + 63 + 1);
        assertThat(ListValue.entryBytes(new byte[64])).isEqualTo(2 + 64 + 1);
        assertThat(ListValue.entryBytes(new byte[125])).isEqualTo(2 + 125 + 1); // back-length of 127: 1 byte
        assertThat(ListValue.entryBytes(new byte[126])).isEqualTo(2 + 126 + 2); // of 128: 2 bytes
        assertThat(ListValue.entryBytes(new byte[4096])).isEqualTo(5 + 4096 + 2);
    }

    // ---- conversions (t_list.c listTypeTryConversion*)

    @Test
    void countFillConvertsAboveTheCountAndBackAtHalf() {
        ListValue l = new ListValue();
        rpush(l, 4, "a", "b", "c", "d");
        assertThat(l.encoding()).isEqualTo("listpack");
        rpush(l, 4, "e");
        assertThat(l.encoding()).isEqualTo("quicklist");
        assertThat(l.nodeCount()).isEqualTo(2); // the listpack of 4 is the first node
        l.pop(false);
        l.afterShrinking(4);
        assertThat(l.encoding()).as("4 elements > half of 4").isEqualTo("quicklist");
        l.pop(false);
        l.pop(false);
        l.afterShrinking(4);
        assertThat(l.encoding()).isEqualTo("listpack");
        assertThat(contents(l)).containsExactly("a", "b");
    }

    @Test
    void sizeFillConvertsAboveTheBytesAndBackAtHalf() {
        ListValue l = new ListValue();
        // fill -1: 4096 bytes. 7 header + 3 x (2 + 1000 + 2) = 3019; a fourth 1000-byte element
        // makes 3019 + 1000 = 4019 ≤ 4096: still a listpack; the fifth exceeds.
        String k = "x".repeat(1000);
        rpush(l, -1, k, k, k);
        rpush(l, -1, k);
        assertThat(l.encoding()).isEqualTo("listpack");
        rpush(l, -1, k);
        assertThat(l.encoding()).isEqualTo("quicklist");
        // Shrinking: one node of at most 2048 bytes.
        while (l.nodeCount() > 1) l.pop(false);
        l.afterShrinking(-1);
        assertThat(l.encoding()).isEqualTo("quicklist");
        l.pop(false);
        l.pop(false);
        l.afterShrinking(-1);
        assertThat(l.encoding()).as("2015 bytes ≤ 2048").isEqualTo("listpack");
    }

    @Test
    void fillZeroCountsAsOneAndBelowMinusFiveAsMinusFive() {
        assertThat(ListValue.countLimit(0)).isEqualTo(1);
        assertThat(ListValue.sizeLimit(-6)).isEqualTo(65536);
        assertThat(ListValue.sizeLimit(Integer.MIN_VALUE)).isEqualTo(65536);
        assertThat(ListValue.sizeLimit(-2)).isEqualTo(8192);
        // A count limit still caps a node at 8 KiB.
        assertThat(ListValue.exceedsLimit(1000, 8193, 2)).isTrue();
        assertThat(ListValue.exceedsLimit(1000, 8192, 1000)).isFalse();
    }

    @Test
    void emptyListpackIsDroppedWhenConverting() {
        ListValue l = new ListValue();
        rpush(l, -1, "x".repeat(5000));
        assertThat(l.encoding()).isEqualTo("quicklist");
        assertThat(l.nodeCount()).isEqualTo(1);
        assertThat(l.size()).isEqualTo(1);
    }

    // ---- node layout: the numbers are DEBUG OBJECT ql_nodes of redis-server 7.0.15 after the same
    // operations (7.0 stores every list as a quicklist with 7.2's node rules for these cases)

    @Test
    void nodeLayoutOfPushesMatchesRedis() {
        ListValue a = ListValue.quicklistFor(-2);
        for (int i = 0; i < 2000; i++) a.push(b(String.format("element-%04d", i)), false);
        assertThat(a.nodeCount()).isEqualTo(4);
        ListValue ints = ListValue.quicklistFor(-2);
        for (int i = 0; i < 1000; i++) ints.push(b(Integer.toString(i * 1000)), true);
        assertThat(ints.nodeCount()).isEqualTo(1);
        for (int i = 0; i < 300; i++) {
            assertThat(a.insert(b(String.format("element-%04d", i * 5 + 1)), b("ins-" + i), false)).isTrue();
        }
        assertThat(a.nodeCount()).isEqualTo(6);
    }

    @Test
    void insertIntoFullNodesSplitsAndMergesLikeRedis() {
        ListValue c = ListValue.quicklistFor(5);
        for (int i = 0; i < 23; i++) c.push(b("v" + i), false);
        assertThat(c.nodeCount()).isEqualTo(5);
        for (int i = 0; i < 10; i++) c.insert(b("v" + (i * 2 + 1)), b("x" + i), true);
        assertThat(c.nodeCount()).isEqualTo(9);
        for (int i = 0; i < 5; i++) c.insert(b("v" + (i * 4)), b("y" + i), false);
        assertThat(c.nodeCount()).isEqualTo(9);
        assertThat(String.join(" ", contents(c))).isEqualTo("y0 v0 v1 x0 v2 v3 x1 y1 v4 v5 x2 v6 v7 x3 y2 v8 v9 "
                + "x4 v10 v11 x5 y3 v12 v13 x6 v14 v15 x7 y4 v16 v17 x8 v18 v19 x9 v20 v21 v22");
    }

    // ---- operations against a model

    @Test
    void randomOperationsAgreeWithAPlainList() {
        Random rnd = new Random(42);
        for (int fill : new int[] {-2, 3, 1, -1}) {
            ListValue l = new ListValue();
            List<String> model = new ArrayList<>();
            for (int step = 0; step < 20_000; step++) {
                int op = rnd.nextInt(10);
                String v = rnd.nextInt(4) == 0 ? "x".repeat(rnd.nextInt(300)) : Integer.toString(rnd.nextInt(50));
                switch (op) {
                    case 0, 1, 2 -> {
                        boolean front = rnd.nextBoolean();
                        l.beforeGrowing(fill, v.length(), 1);
                        l.push(b(v), front);
                        if (front) model.add(0, v); else model.add(v);
                    }
                    case 3 -> {
                        if (model.isEmpty()) continue;
                        boolean front = rnd.nextBoolean();
                        String got = new String(l.pop(front), StandardCharsets.UTF_8);
                        assertThat(got).isEqualTo(front ? model.remove(0) : model.remove(model.size() - 1));
                        l.afterShrinking(fill);
                    }
                    case 4 -> {
                        String pivot = Integer.toString(rnd.nextInt(50));
                        boolean after = rnd.nextBoolean();
                        l.beforeGrowing(fill, v.length(), 1);
                        int at = model.indexOf(pivot);
                        assertThat(l.insert(b(pivot), b(v), after)).isEqualTo(at >= 0);
                        if (at >= 0) model.add(after ? at + 1 : at, v);
                    }
                    case 5 -> {
                        if (model.isEmpty()) continue;
                        int i = rnd.nextInt(model.size());
                        l.beforeGrowing(fill, v.length(), 1);
                        l.set(i, b(v));
                        model.set(i, v);
                        l.afterShrinking(fill);
                    }
                    case 6 -> {
                        if (model.isEmpty() || rnd.nextInt(5) != 0) continue;
                        String target = Integer.toString(rnd.nextInt(50));
                        long count = rnd.nextInt(5) - 2;
                        long removed = l.remove(b(target), Math.abs(count), count < 0);
                        long expected = 0;
                        if (count >= 0) {
                            for (int i = 0; i < model.size() && (count == 0 || expected < count); ) {
                                if (model.get(i).equals(target)) {
                                    model.remove(i);
                                    expected++;
                                } else {
                                    i++;
                                }
                            }
                        } else {
                            for (int i = model.size() - 1; i >= 0 && expected < -count; i--) {
                                if (model.get(i).equals(target)) {
                                    model.remove(i);
                                    expected++;
                                }
                            }
                        }
                        assertThat(removed).isEqualTo(expected);
                        l.afterShrinking(fill);
                    }
                    case 7 -> {
                        if (model.size() < 10 || rnd.nextInt(20) != 0) continue;
                        int head = rnd.nextInt(model.size() / 3), tail = rnd.nextInt(model.size() / 3);
                        l.trim(head, tail);
                        model.subList(model.size() - tail, model.size()).clear();
                        model.subList(0, head).clear();
                        l.afterShrinking(fill);
                    }
                    default -> {
                        if (model.isEmpty()) continue;
                        int i = rnd.nextInt(model.size());
                        assertThat(new String(l.get(i), StandardCharsets.UTF_8)).isEqualTo(model.get(i));
                        if (rnd.nextInt(10) == 0) {
                            ListValue.Cursor it = l.cursor(i, true);
                            for (int k = i; k >= 0; k--) {
                                assertThat(new String(it.next(), StandardCharsets.UTF_8)).isEqualTo(model.get(k));
                            }
                            assertThat(it.hasNext()).isFalse();
                        }
                    }
                }
                assertThat(l.size()).isEqualTo(model.size());
            }
            assertThat(contents(l)).as("fill %d", fill).isEqualTo(model);
            assertThat(contents(l.copy())).isEqualTo(model);
        }
    }

    @Test
    void copyIsIndependent() {
        ListValue l = new ListValue();
        rpush(l, -2, "a", "b");
        ListValue c = l.copy();
        c.push(b("c"), false);
        l.pop(true);
        assertThat(contents(l)).containsExactly("b");
        assertThat(contents(c)).containsExactly("a", "b", "c");
    }
}
