package io.ferrite.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NumbersTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    @Test
    void parsesCanonicalLongsOnly() {
        assertThat(Numbers.parseLong(b("0"))).isZero();
        assertThat(Numbers.parseLong(b("-1"))).isEqualTo(-1);
        assertThat(Numbers.parseLong(b("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Numbers.parseLong(b("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
        assertThat(Numbers.parseLong(b("-9223372036854775807"))).isEqualTo(Long.MIN_VALUE + 1);
        for (String bad : new String[] {"", "-", "01", "+1", " 1", "1 ", "9223372036854775808", "-0", "1.0", "abc",
                "-9223372036854775809", "99999999999999999999"}) {
            assertThatThrownBy(() -> Numbers.parseLong(b(bad))).as(bad).isSameAs(CommandError.NOT_INTEGER);
            assertThat(Numbers.isLong(b(bad))).as(bad).isFalse();
        }
        assertThat(Numbers.isLong(b("-9223372036854775807"))).isTrue();
    }

    /** Expected values are glibc's strtod with SORT's check (nothing left, no ERANGE, not NaN). */
    @Test
    void strtodReadsWholeStringsAsGlibcDoes() {
        String[][] good = {{"", "0"}, {" 12", "12"}, {"\t7", "7"}, {" +3", "3"}, {"0x10", "16"}, {"0X1.8p1", "3"},
                {"0x.8", "0.5"}, {"0x1.", "1"}, {"1E5", "100000"}, {".5", "0.5"}, {"5.", "5"}, {"00012", "12"},
                {"-0", "-0.0"}, {"0e-999", "0"}, {"inf", "Infinity"}, {"-INF", "-Infinity"}, {"Infinity", "Infinity"},
                {"+.5e-1", "0.05"}, {"1.7976931348623157e308", "1.7976931348623157e308"},
                {"2.2250738585072014e-308", "2.2250738585072014e-308"}, {"0x1P-1022", "2.2250738585072014e-308"},
                // A subnormal written exactly is no underflow for glibc.
                {"0x1p-1074", "4.9e-324"}, {"0x1p-1030", "8.691694759793755e-311"}};
        for (String[] g : good) {
            assertThat(Numbers.strtod(b(g[0]))).as(g[0]).isEqualTo(Double.parseDouble(g[1]));
        }
        String[] bad = {" ", "12 ", "0x", "0x1p", "1e", "1e+", ".", "-", "+", "infinit", "nan", "NaN(123)", "1e400",
                "-1e400", "1e-310", "1e-400", "4.9e-324", "2.2250738585072011e-308", "0x1p1024",
                "1.7976931348623159e308", "1_0", "0x1g", "++1", "0x3p-1075", "1e-99999999999999"};
        for (String x : bad) assertThat(Numbers.strtod(b(x))).as(x).isNaN();
        // A C string ends at its first NUL byte.
        assertThat(Numbers.strtod(new byte[] {'4', 0, 'x'})).isEqualTo(4.0);
        assertThat(Numbers.strtod(new byte[] {0, 'x'})).isZero();
    }

    @Test
    void parseDoubleOrNaNAgreesWithTheGeneralParser() {
        for (String s : new String[] {"0", "-0", "1", "42.5", "-3.25", "+7", ".5", "5.", "0.1", "123456789012345",
                "1234567890123456", "0.000000000000000000001", "1e3", "1E-3", "inf", "-inf", "nan", "", "-", ".",
                "1.2.3", "12a", " 1", "1 ", "0x10", "1d", "99999999999999999999", "1.0000000000000000000000001",
                "3.14159265358979", "-0.0000001"}) {
            Double slow = Numbers.parseDouble(b(s));
            double fast = Numbers.parseDoubleOrNaN(b(s));
            if (slow == null) assertThat(fast).as(s).isNaN();
            else assertThat(Double.doubleToRawLongBits(fast)).as(s).isEqualTo(Double.doubleToRawLongBits(slow));
        }
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 100_000; i++) {
            String s = (rnd.nextBoolean() ? "-" : "") + rnd.nextInt(1_000_000) + "." + rnd.nextInt(1_000_000_000);
            assertThat(Numbers.parseDoubleOrNaN(b(s))).as(s).isEqualTo(Double.parseDouble(s));
        }
    }

    @Test
    void formatsDoublesLikeRedis72() {
        assertThat(Numbers.formatDoubleString(0.1)).isEqualTo("0.1");
        assertThat(Numbers.formatDoubleString(1.5)).isEqualTo("1.5");
        assertThat(Numbers.formatDoubleString(3.0)).isEqualTo("3");
        assertThat(Numbers.formatDoubleString(-0.0)).isEqualTo("-0");
        assertThat(Numbers.formatDoubleString(1e20)).isEqualTo("1e+20");
        assertThat(Numbers.formatDoubleString(1e15)).isEqualTo("1000000000000000");
        assertThat(Numbers.formatDoubleString(1.25e19)).isEqualTo("1.25e+19");
        assertThat(Numbers.formatDoubleString(1e22)).isEqualTo("1e+22");
        assertThat(Numbers.formatDoubleString(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(Numbers.formatDoubleString(0.000123)).isEqualTo("0.000123");
        assertThat(Numbers.formatDoubleString(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(Numbers.formatDoubleString(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Numbers.formatDoubleString(3.141592653589793)).isEqualTo("3.141592653589793");
    }

    @Test
    void formatsLongsIntoExactWidthArrays() {
        for (long v : new long[] {0, 7, -7, 10, 99, -100, 123456789, Long.MAX_VALUE, Long.MIN_VALUE}) {
            byte[] dst = new byte[Numbers.digitCount(v)];
            Numbers.formatLongInto(v, dst);
            assertThat(new String(dst, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }
}
