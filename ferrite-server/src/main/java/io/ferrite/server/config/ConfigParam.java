package io.ferrite.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One configuration parameter: its name, kind, flags, bounds, default and current value, with
 * Redis 7.2's parsing rules and error texts (config.c). The value is kept in its canonical
 * text form (what CONFIG GET prints); numeric, boolean and enum kinds also keep the parsed
 * number in a volatile field, so hot paths read {@link #longValue()} without parsing.
 *
 * <p>Kinds follow Redis's config types: BOOL (yes/no), INT (an integer in [min, max]), MEMORY
 * (bytes with an optional unit, "1gb"; with {@link #PERCENT} also "10%", kept negative as in
 * Redis), STRING, ENUM (one name of a fixed list, or with {@link #MULTI_ARG} a set of flag
 * names) and SPECIAL (its own syntax, e.g. {@code save} or {@code client-output-buffer-limit}).
 *
 * <p>Thread-safety: written under {@link FerriteConfig}'s monitor, read from any thread.
 */
public final class ConfigParam {
    public enum Kind { BOOL, INT, MEMORY, STRING, ENUM, SPECIAL }

    /** CONFIG SET refuses it: set in the config file or on the command line only. */
    static final int IMMUTABLE = 1;
    /** CONFIG GET lists it only when asked by its exact name, never for a pattern. */
    static final int HIDDEN = 1 << 1;
    /** CONFIG SET allowed only as enable-protected-configs says (dir, dbfilename). */
    static final int PROTECTED = 1 << 2;
    /** Its value is redacted from SLOWLOG and MONITOR when set (passwords). */
    static final int SENSITIVE = 1 << 3;
    /** The value is split on single spaces into several words (save, bind, shutdown-on-*). */
    static final int MULTI_ARG = 1 << 4;
    /** MEMORY only: "N%" is accepted and kept as -N. */
    static final int PERCENT = 1 << 5;
    /** INT only: written and parsed in octal (unixsocketperm). */
    static final int OCTAL = 1 << 6;

    /** A name an ENUM accepts and the number it stands for; several names may share one. */
    record Choice(String name, long value) {}

    /** The syntax of a SPECIAL parameter: its words to canonical text (and a number), or an error. */
    @FunctionalInterface
    interface Syntax {
        Parsed parse(String[] words, ConfigParam self) throws Invalid;
    }

    /** A SPECIAL value in canonical form, with a number for hot paths (notify-keyspace-events flags). */
    record Parsed(String text, long number) {
        Parsed(String text) {
            this(text, 0);
        }
    }

    /** A value that does not parse; the message is Redis's reason text. */
    static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A rule checked after parsing (dbfilename is not a path, ...): null or the reason. */
    @FunctionalInterface
    interface Check {
        String reason(String canonical, long number);
    }

    final String name;
    final Kind kind;
    final int flags;
    final long min, max;
    final List<Choice> choices;
    final Syntax syntax;
    final Check check;
    final String defaultValue;
    private volatile String value;
    private volatile long number;

    ConfigParam(String name, Kind kind, int flags, long min, long max, List<Choice> choices, Syntax syntax,
                Check check, String defaultValue) {
        this.name = name;
        this.kind = kind;
        this.flags = flags;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.syntax = syntax;
        this.check = check;
        String err = set(defaultValue);
        // Some special defaults (replicaof's "") are not something a user could write.
        if (err != null && kind == Kind.SPECIAL) value = defaultValue;
        else if (err != null) throw new IllegalStateException(name + ": " + err);
        this.defaultValue = value;
    }

    public String name() { return name; }
    public Kind kind() { return kind; }
    public String value() { return value; }
    public String defaultValue() { return defaultValue; }
    public long longValue() { return number; }
    public int intValue() { return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number)); }
    public boolean boolValue() { return number != 0; }
    public boolean isMutable() { return (flags & IMMUTABLE) == 0; }
    public boolean isHidden() { return (flags & HIDDEN) != 0; }
    public boolean isProtected() { return (flags & PROTECTED) != 0; }
    public boolean isSensitive() { return (flags & SENSITIVE) != 0; }

    /** Validates and applies v; returns null, or the reason it was refused (Redis's wording). */
    String set(String v) {
        String canonical;
        long n = 0;
        try {
            switch (kind) {
                case BOOL -> {
                    n = parseYesNo(v);
                    canonical = n == 1 ? "yes" : "no";
                }
                case INT -> {
                    n = parseInteger(v);
                    canonical = (flags & OCTAL) != 0 ? Long.toOctalString(n) : Long.toString(n);
                }
                case MEMORY -> {
                    n = parseMemoryValue(v);
                    canonical = n < 0 ? (-n) + "%" : Long.toString(n);
                }
                case ENUM -> {
                    n = parseEnum(v);
                    canonical = enumName(n);
                }
                case SPECIAL -> {
                    Parsed p = syntax.parse(words(v), this);
                    canonical = p.text();
                    n = p.number();
                }
                default -> canonical = v;
            }
        } catch (Invalid e) {
            return e.getMessage();
        }
        if (check != null) {
            String reason = check.reason(canonical, n);
            if (reason != null) return reason;
        }
        number = n;
        value = canonical;
        return null;
    }

    /** Restores a value this parameter produced before (rollback); never fails. */
    void restore(String canonical) {
        String err = set(canonical);
        if (err != null) throw new IllegalStateException(name + " cannot restore '" + canonical + "': " + err);
    }

    /** The words of a MULTI_ARG value: split on every single space, as Redis's sdssplitlen does. */
    String[] words(String v) {
        if ((flags & MULTI_ARG) == 0) return new String[] {v};
        if (v.isEmpty()) return new String[0];
        return v.split(" ", -1);
    }

    private static long parseYesNo(String v) throws Invalid {
        if (v.equalsIgnoreCase("yes")) return 1;
        if (v.equalsIgnoreCase("no")) return 0;
        throw new Invalid("argument must be 'yes' or 'no'");
    }

    private long parseInteger(String v) throws Invalid {
        long n;
        if ((flags & OCTAL) != 0) {
            try {
                n = Long.parseLong(v, 8);
            } catch (NumberFormatException e) {
                throw new Invalid("argument couldn't be parsed as an octal number");
            }
            if (n < min || n > max) {
                throw new Invalid("argument must be between " + Long.toOctalString(min) + " and "
                        + Long.toOctalString(max) + " inclusive");
            }
            return n;
        }
        Long parsed = strictLong(v);
        if (parsed == null) throw new Invalid("argument couldn't be parsed into an integer");
        n = parsed;
        checkBounds(n);
        return n;
    }

    private long parseMemoryValue(String v) throws Invalid {
        long n = memoryBytes(v);
        if (n == Long.MIN_VALUE) {
            if ((flags & PERCENT) != 0 && v.length() > 1 && v.endsWith("%")) {
                Long pct = strictLong(v.substring(0, v.length() - 1));
                if (pct != null && pct >= 0) {
                    // Redis keeps a percentage as its negation; only the lower bound limits it.
                    if (-pct < min) throw new Invalid("percentage argument must be less or equal to " + (-min));
                    return -pct;
                }
            }
            throw new Invalid((flags & PERCENT) != 0 ? "argument must be a memory or percent value"
                    : "argument must be a memory value");
        }
        checkBounds(n);
        return n;
    }

    private void checkBounds(long n) throws Invalid {
        if (n < min || n > max) throw new Invalid("argument must be between " + min + " and " + max + " inclusive");
    }

    private long parseEnum(String v) throws Invalid {
        String[] words = words(v);
        boolean multi = (flags & MULTI_ARG) != 0;
        if (words.length == 0 || (!multi && words.length != 1)) throw enumError();
        long bits = 0;
        for (String w : words) {
            boolean matched = false;
            for (Choice c : choices) {
                if (c.name.equalsIgnoreCase(w)) {
                    bits |= c.value;
                    matched = true;
                }
            }
            if (!matched) throw enumError();
        }
        return bits;
    }

    private Invalid enumError() {
        List<String> names = new ArrayList<>();
        for (Choice c : choices) names.add(c.name);
        return new Invalid("argument(s) must be one of the following: " + String.join(", ", names));
    }

    /** The canonical name(s) of an enum value: the first exact match, else the flag names in table order. */
    private String enumName(long n) {
        for (Choice c : choices) if (c.value == n) return c.name;
        if ((flags & MULTI_ARG) != 0) {
            StringBuilder sb = new StringBuilder();
            long left = n;
            for (Choice c : choices) {
                if (c.value != 0 && (left & c.value) == c.value) {
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append(c.name);
                    left &= ~c.value;
                }
            }
            if (left == 0 && !sb.isEmpty()) return sb.toString();
        }
        return "unknown";
    }

    /** A decimal integer as Redis's string2ll reads it (no '+', no spaces, no leading zeros). */
    static Long strictLong(String s) {
        int len = s.length();
        if (len == 0 || len > 20) return null;
        if (len == 1 && s.charAt(0) == '0') return 0L;
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '-') {
            neg = true;
            i = 1;
            if (len == 1) return null;
        }
        if (s.charAt(i) < '1' || s.charAt(i) > '9') return null;
        try {
            long v = Long.parseLong(s.substring(i));
            for (int k = i; k < len; k++) if (s.charAt(k) < '0' || s.charAt(k) > '9') return null;
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            if (neg && s.equals("-9223372036854775808")) return Long.MIN_VALUE;
            return null;
        }
    }

    /**
     * Redis's memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb, any
     * case; "10k" is 10000 bytes, "1gb" 1073741824. Long.MIN_VALUE when it does not parse.
     */
    public static long parseMemory(String v) {
        return memoryBytes(v);
    }

    static long memoryBytes(String v) {
        int digits = 0;
        while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') digits++;
        if (digits == 0) return Long.MIN_VALUE;
        long mul = switch (v.substring(digits).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 0;
        };
        if (mul == 0) return Long.MIN_VALUE;
        try {
            return Math.multiplyExact(Long.parseLong(v.substring(0, digits)), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }

    static List<Choice> choices(String... names) {
        List<Choice> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) out.add(new Choice(names[i], i));
        return out;
    }
}
