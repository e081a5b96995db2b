package io.ferrite.server.hyperloglog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The value classes against the vectors measured on redis-server 7.0.15 (reference §C1). */
class HyperLogLogTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Adds elements to h as PFADD does (sparse working copy, promotion), returning the new bytes. */
    private static byte[] add(byte[] h, long maxBytes, String... elements) {
        if (HyperLogLog.encoding(h) == HyperLogLog.DENSE) {
            for (String e : elements) {
                long hash = HyperLogLog.hash(b(e));
                if (DenseRegisters.raise(h, HyperLogLog.index(hash), HyperLogLog.count(hash))) HyperLogLog.invalidateCache(h);
            }
            return h;
        }
        SparseRegisters s = new SparseRegisters(h);
        byte[] dense = null;
        for (String e : elements) {
            long hash = HyperLogLog.hash(b(e));
            int index = HyperLogLog.index(hash), count = HyperLogLog.count(hash);
            if (dense != null) {
                if (DenseRegisters.raise(dense, index, count)) HyperLogLog.invalidateCache(dense);
            } else if (s.set(index, count, maxBytes) == SparseRegisters.PROMOTE) {
                dense = s.toDense();
                DenseRegisters.set(dense, index, count);
                HyperLogLog.invalidateCache(dense);
            }
        }
        return dense != null ? dense : s.toBytes();
    }

    @Test
    void murmurHashAndPatternMatchRedis() {
        long[][] vectors = {{0x53d2470a9b43b1a7L, 12711, 2}, {0xf10cdf96c004fda4L, 15780, 1},
                {0x7585a45533f260f4L, 8436, 1}, {0x0f656f01eecfe400L, 9216, 1}};
        String[] elements = {"a", "b", "c", "hello"};
        for (int i = 0; i < elements.length; i++) {
            long h = HyperLogLog.hash(b(elements[i]));
            assertThat(h).as(elements[i]).isEqualTo(vectors[i][0]);
            assertThat(HyperLogLog.index(h)).isEqualTo(vectors[i][1]);
            assertThat(HyperLogLog.count(h)).isEqualTo(vectors[i][2]);
        }
    }

    @Test
    void newHllIsOneXzeroWithAnInvalidCache() {
        byte[] h = HyperLogLog.create();
        HyperLogLog.invalidateCache(h); // PFADD on a new key invalidates
        assertThat(HEX.formatHex(h)).isEqualTo("48594c4c01000000000000000000008" + "07fff");
    }

    @Test
    void threeElementsGiveRedisSparseBytesAndCount() {
        byte[] h = add(HyperLogLog.create(), 3000, "a", "b", "c");
        assertThat(HEX.formatHex(h)).isEqualTo("48594c4c01000000000000000000008060f38050b1844bfb80425a");
        assertThat(SparseRegisters.decode(h)).isEqualTo("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
        assertThat(HyperLogLog.count(h)).isEqualTo(3);
    }

    @Test
    void thousandElementsStaySparseAndCount995() {
        String[] e = new String[1000];
        for (int i = 0; i < e.length; i++) e[i] = "e:" + i;
        byte[] h = add(HyperLogLog.create(), 3000, e);
        assertThat(HyperLogLog.encoding(h)).isEqualTo(HyperLogLog.SPARSE);
        assertThat(h.length).isEqualTo(1880);
        assertThat(HyperLogLog.count(h)).isEqualTo(995);
    }

    @Test
    void hundredThousandElementsBecomeDenseAndCount100342() {
        String[] e = new String[100_000];
        for (int i = 0; i < e.length; i++) e[i] = "e:" + i;
        byte[] h = add(HyperLogLog.create(), 3000, e);
        assertThat(HyperLogLog.encoding(h)).isEqualTo(HyperLogLog.DENSE);
        assertThat(h.length).isEqualTo(HyperLogLog.DENSE_SIZE);
        assertThat(HyperLogLog.count(h)).isEqualTo(100342);
        byte[] raw = new byte[HyperLogLog.REGISTERS];
        DenseRegisters.mergeInto(raw, h);
        assertThat(HyperLogLog.countRaw(raw)).isEqualTo(100342);
    }

    @Test
    void wordAtATimeUnionAndPackAgreeWithPerRegisterAccess() {
        Random rnd = new Random(7);
        byte[] a = DenseRegisters.withHeaderOf(HyperLogLog.create());
        byte[] raw = new byte[HyperLogLog.REGISTERS];
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
            DenseRegisters.set(a, i, rnd.nextInt(64));
            raw[i] = (byte) rnd.nextInt(64);
        }
        byte[] expect = raw.clone();
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) expect[i] = (byte) Math.max(expect[i], DenseRegisters.get(a, i));
        DenseRegisters.mergeInto(raw, a);
        assertThat(raw).isEqualTo(expect);
        byte[] packed = DenseRegisters.withHeaderOf(HyperLogLog.create());
        DenseRegisters.pack(raw, packed);
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) assertThat(DenseRegisters.get(packed, i)).isEqualTo(raw[i]);
        int[] histo = new int[64];
        DenseRegisters.histogram(packed, histo);
        int[] expectHisto = new int[64];
        for (byte v : raw) expectHisto[v]++;
        assertThat(histo).isEqualTo(expectHisto);
    }

    @Test
    void corruptSparseBodiesAreReportedNotThrown() {
        Random rnd = new Random(11);
        byte[] base = add(HyperLogLog.create(), 3000, "a", "b", "c", "d", "e", "f");
        for (int t = 0; t < 20_000; t++) {
            byte[] h = java.util.Arrays.copyOf(base, HyperLogLog.HDR_SIZE + rnd.nextInt(base.length));
            for (int k = HyperLogLog.HDR_SIZE; k < h.length; k++) if (rnd.nextInt(4) == 0) h[k] = (byte) rnd.nextInt(256);
            HyperLogLog.count(h);
            SparseRegisters.mergeInto(new byte[HyperLogLog.REGISTERS], h);
            SparseRegisters.toDense(h, h.length);
            SparseRegisters.decode(h);
            new SparseRegisters(h).set(rnd.nextInt(HyperLogLog.REGISTERS), 1 + rnd.nextInt(32), 3000);
        }
        byte[] truncated = java.util.Arrays.copyOf(base, base.length - 1);
        assertThat(HyperLogLog.count(truncated)).isEqualTo(-1);
    }

    @Test
    void selfTestPasses() {
        assertThat(HyperLogLogCommands.selfTest(3000)).isNull();
    }

    /** Regression (seed 7707192609883): a VAL past the 16384th register is corruption, as in patched Redis. */
    @Test
    void sparseWithARunPastTheLastRegisterIsCorrupt() {
        byte[] s = new byte[16 + 3];
        s[0] = 'H';
        s[1] = 'Y';
        s[2] = 'L';
        s[3] = 'L';
        s[4] = 1; // sparse
        s[16] = 0x7f; // XZERO of 16384 registers
        s[17] = (byte) 0xff;
        s[18] = (byte) 0x80; // VAL: one more register, past the end
        org.assertj.core.api.Assertions.assertThat(SparseRegisters.mergeInto(new byte[HyperLogLog.REGISTERS], s)).isFalse();
        byte[] ok = java.util.Arrays.copyOf(s, 18);
        org.assertj.core.api.Assertions.assertThat(SparseRegisters.mergeInto(new byte[HyperLogLog.REGISTERS], ok)).isTrue();
    }
}
