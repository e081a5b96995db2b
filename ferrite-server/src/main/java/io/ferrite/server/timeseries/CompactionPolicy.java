package io.ferrite.server.timeseries;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ts-compaction-policy} configuration (RedisTimeSeries COMPACTION_POLICY): rules that
 * TS.ADD and TS.INCRBY create for a key they create, e.g. {@code max:1M:1h;avg:1h:30d:10m}.
 *
 * <p>Grammar (parse_policies.c): rules separated by {@code ;}, each
 * {@code aggregator:bucket:retention[:align]}; a duration is a non-negative integer followed by a
 * unit, {@code m} milliseconds, {@code s} seconds, {@code M} minutes, {@code h} hours, {@code d}
 * days; the retention may be a bare {@code 0} (keep forever). All or nothing: one bad rule
 * refuses the whole policy. The destination of a rule is {@code key_AGG_bucket} (bucket in ms,
 * {@code _align} appended when not 0), labelled with the source's labels plus
 * {@code aggregation} and {@code time_bucket}, as tsdb.c SeriesCreateRulesFromGlobalConfig does.
 */
public final class CompactionPolicy {
    private CompactionPolicy() {}

    /** One rule of the policy; durations in milliseconds. */
    record Rule(Aggregator agg, long bucket, long retention, long align) {
        /** The destination key of this rule for source key. */
        byte[] destKey(byte[] key) {
            String suffix = "_" + agg.label.toUpperCase(Locale.ROOT) + "_" + bucket + (align != 0 ? "_" + align : "");
            byte[] s = suffix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] out = java.util.Arrays.copyOf(key, key.length + s.length);
            System.arraycopy(s, 0, out, key.length, s.length);
            return out;
        }
    }

    /** Checks a policy for CONFIG SET: null when valid, else the reason in RedisTimeSeries's words. */
    public static String check(String policy) {
        return parse(policy) == null ? "Invalid compaction policy: " + policy : null;
    }

    /** The rules of a policy; an empty list for "", null when it does not parse. */
    static List<Rule> parse(String policy) {
        List<Rule> rules = new ArrayList<>();
        if (policy.isEmpty()) return rules;
        for (String part : policy.split(";")) {
            if (part.isEmpty()) continue; // strtok skips empty tokens
            String[] f = part.split(":", -1);
            if (f.length < 3 || f.length > 4) return null;
            Aggregator agg = Aggregator.parse(f[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long bucket = millis(f[1], false);
            long retention = millis(f[2], true);
            long align = f.length == 4 ? millis(f[3], false) : 0;
            if (agg == null || bucket <= 0 || retention < 0 || align < 0) return null;
            rules.add(new Rule(agg, bucket, retention, align));
        }
        return rules;
    }

    /** A duration: digits then one unit letter; "0" alone when zeroAllowed. -1 when invalid. */
    private static long millis(String s, boolean zeroAllowed) {
        if (zeroAllowed && s.equals("0")) return 0;
        if (s.length() < 2) return -1;
        String digits = s.substring(0, s.length() - 1);
        for (int i = 0; i < digits.length(); i++) if (!Character.isDigit(digits.charAt(i))) return -1;
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'm' -> 1;
            case 's' -> 1000;
            case 'M' -> 60_000;
            case 'h' -> 3_600_000;
            case 'd' -> 86_400_000;
            default -> -1;
        };
        if (unit < 0 || digits.length() > 15) return -1;
        return Long.parseLong(digits) * unit;
    }
}
