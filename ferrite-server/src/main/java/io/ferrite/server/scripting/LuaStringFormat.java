package io.ferrite.server.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * string.format as Lua 5.1's str_format (lstrlib.c) runs it on x86-64 Linux, in place of LuaJ's,
 * which ignored the width and precision of %s, the '#' flag, and printed %d of 2^53 as 0 and %x of
 * -1 as -1. A format item is '%', up to five flags of "-+ #0", a width and a precision of at most
 * two digits each, and a conversion: c d i o u x X e E f g G q s, or %% for a percent sign.
 * Numbers convert as C casts them ({@link LuaArgs#toInteger}, {@link LuaArgs#toUnsigned}); %s
 * and %q take numbers as Lua prints them; errors carry lauxlib's messages (without Lua's
 * "user_script:N:" position, like Ferrite's other library errors).
 */
final class LuaStringFormat extends VarArgFunction {
    private static final String NAME = "format";
    private static final String FLAGS = "-+ #0";

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fs = LuaArgs.checkString(args, 1, NAME);
        byte[] fmt = java.util.Arrays.copyOfRange(fs.m_bytes, fs.m_offset, fs.m_offset + fs.m_length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.length + 16);
        int arg = 1;
        int i = 0;
        while (i < fmt.length) {
            byte c = fmt[i++];
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < fmt.length && fmt[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (++arg > args.narg()) throw LuaArgs.argError(arg, NAME, "no value");
            // scanformat: flags, width (2 digits at most), precision (2 digits at most)
            int start = i;
            while (i < fmt.length && FLAGS.indexOf(fmt[i]) >= 0) i++;
            if (i - start >= FLAGS.length() + 1) throw new LuaError("invalid format (repeated flags)");
            String flags = new String(fmt, start, i - start, StandardCharsets.US_ASCII);
            int width = -1, precision = -1;
            int digits = 0;
            while (i < fmt.length && Character.isDigit(fmt[i])) {
                width = (width < 0 ? 0 : width * 10) + (fmt[i++] - '0');
                digits++;
            }
            if (digits > 2) throw new LuaError("invalid format (width or precision too long)");
            if (i < fmt.length && fmt[i] == '.') {
                i++;
                precision = 0;
                digits = 0;
                while (i < fmt.length && Character.isDigit(fmt[i])) {
                    precision = precision * 10 + (fmt[i++] - '0');
                    digits++;
                }
                if (digits > 2) throw new LuaError("invalid format (width or precision too long)");
            }
            int conversion = i < fmt.length ? fmt[i++] & 0xff : 0;
            boolean left = flags.indexOf('-') >= 0, zero = flags.indexOf('0') >= 0, plus = flags.indexOf('+') >= 0,
                    space = flags.indexOf(' ') >= 0, alt = flags.indexOf('#') >= 0;
            switch (conversion) {
                case 'c' -> {
                    byte ch = (byte) (int) LuaArgs.checkNumber(args, arg, NAME);
                    pad(out, new byte[] {ch}, 0, 1, width, left);
                }
                case 'd', 'i' -> {
                    long v = LuaArgs.toInteger(LuaArgs.checkNumber(args, arg, NAME));
                    String digitsText = v == 0 && precision == 0 ? "" : Long.toString(v).replace("-", "");
                    String sign = v < 0 ? "-" : plus ? "+" : space ? " " : "";
                    write(out, integer(sign, "", digitsText, width, precision, left, zero));
                }
                case 'o', 'u', 'x', 'X' -> {
                    long v = LuaArgs.toUnsigned(LuaArgs.checkNumber(args, arg, NAME));
                    int radix = conversion == 'o' ? 8 : conversion == 'u' ? 10 : 16;
                    String d = v == 0 && precision == 0 ? "" : Long.toUnsignedString(v, radix);
                    if (conversion == 'X') d = d.toUpperCase(java.util.Locale.ROOT);
                    String prefix = "";
                    if (alt && conversion == 'o' && !d.startsWith("0")) {
                        if (precision <= d.length()) d = "0" + d;
                    } else if (alt && v != 0 && (conversion == 'x' || conversion == 'X')) {
                        prefix = conversion == 'x' ? "0x" : "0X";
                    }
                    write(out, integer("", prefix, d, width, precision, left, zero));
                }
                case 'e', 'E', 'f', 'g', 'G' -> {
                    double v = LuaArgs.checkNumber(args, arg, NAME);
                    write(out, LuaNumberText.printf(v, left, zero, plus, space, alt, width, precision, conversion));
                }
                case 'q' -> quoted(out, LuaArgs.checkString(args, arg, NAME));
                case 's' -> {
                    LuaString s = LuaArgs.checkString(args, arg, NAME);
                    if (precision < 0 && s.m_length >= 100) {
                        out.write(s.m_bytes, s.m_offset, s.m_length); // as Lua: a long string without precision goes in whole
                    } else {
                        int n = 0;
                        while (n < s.m_length && s.m_bytes[s.m_offset + n] != 0) n++; // C's %s stops at a NUL
                        if (precision >= 0 && precision < n) n = precision;
                        pad(out, s.m_bytes, s.m_offset, n, width, left);
                    }
                }
                default -> throw new LuaError("invalid option '%" + (conversion == 0 ? "" : String.valueOf((char) conversion))
                        + "' to 'format'");
            }
        }
        return LuaValue.valueOf(out.toByteArray());
    }

    /** An integer conversion: sign, prefix (0x), digits raised to precision, padded to width. */
    private static String integer(String sign, String prefix, String digits, int width, int precision,
                                  boolean left, boolean zero) {
        if (precision > digits.length()) digits = "0".repeat(precision - digits.length()) + digits;
        int pad = width - sign.length() - prefix.length() - digits.length();
        if (pad <= 0) return sign + prefix + digits;
        if (left) return sign + prefix + digits + " ".repeat(pad);
        if (zero && precision < 0) return sign + prefix + "0".repeat(pad) + digits; // C ignores '0' with a precision
        return " ".repeat(pad) + sign + prefix + digits;
    }

    /** b[off, off + len) padded with spaces to width, on the left unless left-adjusted (%c, %s). */
    private static void pad(ByteArrayOutputStream out, byte[] b, int off, int len, int width, boolean left) {
        int pad = width - len;
        if (pad > 0 && !left) for (int k = 0; k < pad; k++) out.write(' ');
        out.write(b, off, len);
        if (pad > 0 && left) for (int k = 0; k < pad; k++) out.write(' ');
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    /** %q: in double quotes, with " \ and newline escaped by a backslash, \r as \r and NUL as \000. */
    private static void quoted(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int k = 0; k < s.m_length; k++) {
            byte b = s.m_bytes[s.m_offset + k];
            switch (b) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(b);
                }
                case '\r' -> write(out, "\\r");
                case 0 -> write(out, "\\000");
                default -> out.write(b);
            }
        }
        out.write('"');
    }
}
