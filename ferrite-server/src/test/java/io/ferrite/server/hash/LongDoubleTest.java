package io.ferrite.server.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Expected strings are what redis-server 7.0 on x86-64 replies to the same HINCRBYFLOAT calls. */
class LongDoubleTest {
    private static LongDouble ld(String s) { return LongDouble.parse(s.getBytes(StandardCharsets.US_ASCII)); }

    private static String sum(String... terms) {
        LongDouble v = LongDouble.ZERO;
        for (String t : terms) v = LongDouble.parse(v.add(ld(t)).toHumanString().getBytes(StandardCharsets.US_ASCII));
        return v.toHumanString();
    }

    @Test
    void printsLikeRedisHumanMode() {
        assertThat(sum("0.1", "0.1", "0.1")).isEqualTo("0.3");
        assertThat(sum("1.23", "0.77", "-0.1")).isEqualTo("1.9");
        assertThat(sum("10.5", "0.1")).isEqualTo("10.6");
        assertThat(sum("1e-20")).isEqualTo("0");
        assertThat(sum("-5", "5")).isEqualTo("0");
        assertThat(sum("-0.0")).isEqualTo("0");
        assertThat(sum("0.3333333333333333333333")).isEqualTo("0.33333333333333333");
        assertThat(sum("12345678901234567890.123")).isEqualTo("12345678901234567890");
        assertThat(sum("17179869184", "17179869184.5")).isEqualTo("34359738368.5");
    }

    @Test
    void holdsValuesPastTheDoubleRange() {
        assertThat(sum("1e308")).startsWith("99999999999999999996685879655845645660560099847415567207797047994921");
        assertThat(sum("1.7976931348623157e308", "1.7976931348623157e308"))
                .startsWith("35953862697246313999184209354820886809677289388865835697062884153035");
        assertThat(ld("1.1e4932").add(ld("1e4932")).isInfinite()).isTrue();
    }

    @Test
    void parsesLikeStrtoldInString2ld() {
        assertThat(ld("0x10").toHumanString()).isEqualTo("16");
        assertThat(ld("0x1.8p1").toHumanString()).isEqualTo("3");
        assertThat(ld("-0X1P-2").toHumanString()).isEqualTo("-0.25");
        assertThat(ld(".5").toHumanString()).isEqualTo("0.5");
        assertThat(ld("5.").toHumanString()).isEqualTo("5");
        assertThat(ld("+inf").isInfinite()).isTrue();
        assertThat(ld("-Infinity").isInfinite()).isTrue();
        for (String bad : new String[] {"", " 1", "1 ", "abc", "nan", "1e5000", "1e-5000", "0x", "0xp1", "1e", "1\u00002", "1f"}) {
            assertThat(ld(bad)).as(bad).isNull();
        }
    }

    @Test
    void oppositeInfinitiesMakeNoNumber() {
        assertThat(ld("inf").add(ld("-inf"))).isNull();
        assertThat(ld("inf").add(ld("1")).isInfinite()).isTrue();
    }
}
