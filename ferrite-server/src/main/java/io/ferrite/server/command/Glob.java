package io.ferrite.server.command;

/**
 * Redis's glob matching (util.c stringmatchlen): {@code *}, {@code ?}, {@code [abc]},
 * {@code [^a]}, {@code [a-z]} and {@code \x} escapes, over bytes, optionally case-insensitive.
 * Used by KEYS, SCAN MATCH, CONFIG GET and friends.
 */
public final class Glob {
    private Glob() {}

    public static boolean matches(byte[] pattern, byte[] s, boolean nocase) {
        return match(pattern, 0, s, 0, nocase, 0) == 1;
    }

    public static boolean matches(String pattern, String s) {
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                s.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    }

    /** True when the pattern has no special characters, so it names exactly one key. */
    public static boolean isLiteral(byte[] pattern) {
        for (byte b : pattern) if (b == '*' || b == '?' || b == '[' || b == '\\') return false;
        return true;
    }

    // Returns 1 on match, 0 on no match, -1 to abort (a '*' already failed: no later split can match).
    private static int match(byte[] p, int pi, byte[] s, int si, boolean nocase, int nesting) {
        if (nesting > 1000) return -1; // Redis bounds recursion the same way
        int plen = p.length, slen = s.length;
        while (pi < plen && si < slen) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < plen && p[pi + 1] == '*') pi++;
                    if (pi + 1 == plen) return 1;
                    while (si < slen) {
                        int r = match(p, pi + 1, s, si, nocase, nesting + 1);
                        if (r != 0) return r;
                        si++;
                    }
                    return -1;
                }
                case '?' -> si++;
                case '[' -> {
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) pi++;
                    boolean found = false;
                    while (true) {
                        if (pi >= plen) { pi--; break; }
                        if (p[pi] == '\\' && pi + 1 < plen) {
                            pi++;
                            if (p[pi] == s[si]) found = true;
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < plen && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff, end = p[pi + 2] & 0xff, c = s[si] & 0xff;
                            if (start > end) { int t = start; start = end; end = t; }
                            if (nocase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                c = Character.toLowerCase(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) found = true;
                        } else if (eq(p[pi], s[si], nocase)) {
                            found = true;
                        }
                        pi++;
                    }
                    if (not) found = !found;
                    if (!found) return 0;
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < plen) pi++;
                    if (!eq(p[pi], s[si], nocase)) return 0;
                    si++;
                }
                default -> {
                    if (!eq(p[pi], s[si], nocase)) return 0;
                    si++;
                }
            }
            pi++;
        }
        if (si == slen) {
            while (pi < plen && p[pi] == '*') pi++;
        }
        return (pi == plen && si == slen) ? 1 : 0;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        if (a == b) return true;
        return nocase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
    }
}
