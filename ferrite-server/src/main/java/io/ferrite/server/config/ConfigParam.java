package io.ferrite.server.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One configuration parameter: its name, kind, default and current value. Values are kept
 * in their canonical text form (what CONFIG GET prints); numeric kinds also keep the parsed
 * number in a volatile field so hot paths read them without parsing.
 */
public final class ConfigParam {
    public enum Kind { BOOL, INT, MEMORY, STRING, ENUM }

    final String name;
    final Kind kind;
    final long min, max;
    final List<String> choices;
    final boolean mutable;
    final String defaultValue;
    private volatile String value;
    private volatile long number;

    ConfigParam(String name, Kind kind, String defaultValue, long min, long max, List<String> choices, boolean mutable) {
        this.name = name;
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.mutable = mutable;
        String err = set(defaultValue);
        if (err != null) throw new IllegalStateException(name + ": " + err);
        this.defaultValue = value;
    }

    public String name() { return name; }
    public String value() { return value; }
    public long longValue() { return number; }
    public int intValue() { return (int) number; }
    public boolean boolValue() { return number != 0; }
    public boolean isMutable() { return mutable; }

    /** Validates and applies v; returns null, or the reason it was refused (Redis's wording). */
    String set(String v) {
        switch (kind) {
            case BOOL -> {
                String l = v.toLowerCase(Locale.ROOT);
                if (!l.equals("yes") && !l.equals("no")) return "argument must be 'yes' or 'no'";
                number = l.equals("yes") ? 1 : 0;
                value = l;
            }
            case INT -> {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    return "argument couldn't be parsed into an integer";
                }
                if (n < min || n > max) return "argument must be between " + min + " and " + max + " inclusive";
                number = n;
                value = Long.toString(n);
            }
            case MEMORY -> {
                long n = parseMemory(v);
                if (n == Long.MIN_VALUE) return "argument must be a memory value";
                if (n < min || n > max) return "argument must be between " + min + " and " + max + " inclusive";
                number = n;
                value = Long.toString(n);
            }
            case ENUM -> {
                String l = v.toLowerCase(Locale.ROOT);
                if (!choices.contains(l)) return "argument(s) must be one of the following: " + String.join(", ", choices);
                value = l;
                number = choices.indexOf(l);
            }
            case STRING -> value = v;
        }
        return null;
    }

    /** "512mb", "1gb", "100" (bytes), "10k" (1000): Redis's memtoull. */
    public static long parseMemory(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long mul = 1;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) return Long.MIN_VALUE;
            return Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    static List<String> list(String... choices) { return Arrays.asList(choices); }
}
