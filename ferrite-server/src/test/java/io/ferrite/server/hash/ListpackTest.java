package io.ferrite.server.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListpackTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static List<String> entries(Listpack p) {
        List<String> out = new ArrayList<>();
        for (int off = p.first(); off >= 0; off = p.next(off)) out.add(new String(p.copyAt(off), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void appendFindReplaceAndRemoveKeepOrder() {
        Listpack p = new Listpack();
        for (String s : List.of("a", "", "ccc", "dd")) p.append(b(s));
        assertThat(p.size()).isEqualTo(4);
        assertThat(entries(p)).containsExactly("a", "", "ccc", "dd");
        assertThat(p.find(b("ccc"), 1)).isEqualTo(p.offsetOf(2));
        assertThat(p.find(b("ccc"), 2)).isEqualTo(p.offsetOf(2));
        assertThat(p.find(b("dd"), 2)).isEqualTo(-1); // odd positions are values in a hash
        assertThat(p.find(b("zz"), 1)).isEqualTo(-1);
        p.replace(p.offsetOf(1), b("longer value"));
        p.remove(p.offsetOf(0), 1);
        assertThat(entries(p)).containsExactly("longer value", "ccc", "dd");
        p.remove(p.offsetOf(1), 2);
        assertThat(entries(p)).containsExactly("longer value");
        p.remove(0, 1);
        assertThat(p.size()).isZero();
        assertThat(p.first()).isEqualTo(-1);
        assertThat(p.bytes()).isZero();
    }

    @Test
    void lengthsPast127UseMultiByteHeaders() {
        Listpack p = new Listpack();
        String[] values = {"x".repeat(127), "y".repeat(128), "z".repeat(20000), "w"};
        for (String v : values) p.append(b(v));
        assertThat(entries(p)).containsExactly(values);
        assertThat(p.bytes()).isEqualTo(127 + 1 + 128 + 2 + 20000 + 3 + 1 + 1);
        p.replace(p.offsetOf(2), b("short"));
        p.replace(p.offsetOf(0), b("q".repeat(300)));
        assertThat(entries(p)).containsExactly("q".repeat(300), "y".repeat(128), "short", "w");
        assertThat(p.equalsAt(p.offsetOf(2), b("short"))).isTrue();
        assertThat(p.lengthAt(p.offsetOf(0))).isEqualTo(300);
    }

    @Test
    void randomOperationsMatchAListModel() {
        Random rnd = new Random(42);
        Listpack p = new Listpack();
        List<String> model = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
            int op = rnd.nextInt(3);
            String v = "v".repeat(rnd.nextInt(200));
            if (op == 0 || model.isEmpty()) {
                p.append(b(v));
                model.add(v);
            } else if (op == 1) {
                int i = rnd.nextInt(model.size());
                p.replace(p.offsetOf(i), b(v));
                model.set(i, v);
            } else {
                int i = rnd.nextInt(model.size());
                p.remove(p.offsetOf(i), 1);
                model.remove(i);
            }
        }
        assertThat(entries(p)).isEqualTo(model);
        assertThat(entries(p.copy())).isEqualTo(model);
    }
}
