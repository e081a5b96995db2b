package io.ferrite.server.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments with the rules of Redis's sdssplitargs:
 * words separated by blanks; "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes;
 * 'single quotes' where only \' is an escape; a closing quote must be followed by a blank
 * or the end of the line.
 */
public final class InlineSplitter {
    private InlineSplitter() {}

    /** The arguments, or null when the quotes are unbalanced. */
    public static byte[][] split(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0, n = line.length;
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        while (true) {
            while (i < n && isBlank(line[i])) i++;
            if (i >= n) return out.toArray(new byte[0][]);
            boolean inDq = false, inSq = false, done = false;
            cur.reset();
            while (!done) {
                if (inDq) {
                    if (i >= n) return null;
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        cur.write(switch (line[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line[i];
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isBlank(line[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (inSq) {
                    if (i >= n) return null;
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isBlank(line[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) { done = true; continue; }
                    byte c = line[i];
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDq = true;
                        case '\'' -> inSq = true;
                        default -> cur.write(c);
                    }
                }
                if (i < n) i++;
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return c - 'A' + 10;
    }
}
