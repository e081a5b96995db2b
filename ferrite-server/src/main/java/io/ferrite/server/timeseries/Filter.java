package io.ferrite.server.timeseries;

import io.ferrite.server.protocol.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The FILTER grammar of TS.MGET/MRANGE/QUERYINDEX: {@code l=v}, {@code l!=v}, {@code l=} (label
 * absent), {@code l!=} (label present), {@code l=(a,b)}, {@code l!=(a,b)}. A series matches when
 * every matcher does; at least one {@code l=v} or {@code l=(a,b)} is required.
 */
final class Filter {
    private Filter() {}

    static final CommandError INVALID = new CommandError("ERR TSDB: failed parsing labels");
    static final CommandError NO_POSITIVE = new CommandError(
            "ERR TSDB: please provide at least one matcher");

    /** equal: l=..., else l!=...; values empty: the label-presence forms. */
    record Matcher(byte[] label, boolean equal, byte[][] values) {
        boolean positive() { return equal && values.length > 0; }

        boolean matches(TimeSeries s) {
            byte[] v = s.label(label);
            if (values.length == 0) return equal == (v == null);
            boolean in = false;
            if (v != null) for (byte[] x : values) if (Arrays.equals(x, v)) { in = true; break; }
            return equal == in;
        }
    }

    static Matcher parse(byte[] a) {
        int eq = -1;
        for (int i = 0; i < a.length; i++) if (a[i] == '=') { eq = i; break; }
        if (eq <= 0) throw INVALID;
        boolean not = a[eq - 1] == '!';
        int labelEnd = not ? eq - 1 : eq;
        if (labelEnd == 0) throw INVALID;
        byte[] label = Arrays.copyOfRange(a, 0, labelEnd);
        byte[] rest = Arrays.copyOfRange(a, eq + 1, a.length);
        byte[][] values;
        if (rest.length == 0) {
            values = new byte[0][];
        } else if (rest[0] == '(') {
            if (rest[rest.length - 1] != ')') throw INVALID;
            List<byte[]> vs = new ArrayList<>();
            int start = 1;
            for (int i = 1; i < rest.length; i++) {
                if (rest[i] == ',' || i == rest.length - 1) {
                    vs.add(Arrays.copyOfRange(rest, start, i));
                    start = i + 1;
                }
            }
            values = vs.toArray(new byte[0][]);
        } else {
            values = new byte[][] {rest};
        }
        return new Matcher(label, !not, values);
    }

    static List<Matcher> parseAll(byte[][] argv, int from, int to) {
        List<Matcher> ms = new ArrayList<>();
        for (int i = from; i < to; i++) ms.add(parse(argv[i]));
        if (ms.stream().noneMatch(Matcher::positive)) throw NO_POSITIVE;
        return ms;
    }

    static boolean matches(TimeSeries s, List<Matcher> ms) {
        for (Matcher m : ms) if (!m.matches(s)) return false;
        return true;
    }
}
