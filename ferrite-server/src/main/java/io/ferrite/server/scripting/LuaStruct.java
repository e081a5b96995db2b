package io.ferrite.server.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code struct} library Redis bundles (Roberto Ierusalimschy's lstruct 1.7, Redis's
 * deps/lua/src/lua_struct.c with its bounds-checked unpack): struct.pack(fmt, ...),
 * struct.unpack(fmt, data [, pos]) returning the values and then the next position, and
 * struct.size(fmt). Output bytes, results and error texts are those of Redis 7.2 on x86-64.
 *
 * <p>Formats, one option per character, spaces ignored:
 * <pre>
 *   &gt; &lt;      big / little endian (default: little, the x86 native order)
 *   !n       maximum alignment n, a power of two (default 8, the alignment of a double)
 *   x        one zero byte of padding
 *   b B      signed / unsigned char (1)     h H   short (2)     l L   long (8)
 *   T        size_t (8, unsigned)           i In  int of n bytes, n &lt;= 32 (default 4)
 *   f d      float (4) / double (8)
 *   cn       n bytes of a string; pack: c0 is the whole string; unpack: c0 takes its
 *            length from the number read just before it (which is then not returned)
 *   s        a zero-terminated string
 * </pre>
 * Each item of size k is aligned to min(k, maxalign) from the start of the data (c never is).
 * Integers travel through a Lua number (a double) and C's 64-bit long, as in Redis: packing
 * converts the double to a 64-bit value the way x86 does (so 2^64 packs as 0), unpacking more
 * than 8 bytes keeps only the low 64 bits, and values past 2^53 round.
 *
 * <p>Ref: Redis 7.2.6 deps/lua/src/lua_struct.c; http://www.inf.puc-rio.br/~roberto/struct/.
 */
final class LuaStruct {
    private LuaStruct() {}

    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;
    private static final boolean BIG = true;

    static LuaTable build() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return pack(a); }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return unpack(a); }
        });
        t.rawset("size", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return size(a); }
        });
        return t;
    }

    /** A format string being read, with the endianness and alignment its options set. */
    private static final class Format {
        final byte[] b;
        final int end;
        int i;
        boolean big;      // little endian unless '>'
        long align = 1;   // '!' changes it

        Format(LuaString s) {
            b = s.m_bytes;
            i = s.m_offset;
            // C reads the format as a C string: it ends at the first zero byte.
            int e = s.m_offset;
            while (e < s.m_offset + s.m_length && b[e] != 0) e++;
            end = e;
        }

        boolean more() { return i < end; }

        int next() { return b[i++]; } // signed, like C's char: bytes >= 0x80 match no option

        boolean digit() { return i < end && b[i] >= '0' && b[i] <= '9'; }

        /** An optional decimal number after an option (getnum). */
        int number(int dflt) {
            if (!digit()) return dflt;
            int a = 0;
            do {
                int d = b[i] - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw new LuaError("integral size overflow");
                }
                a = a * 10 + d;
                i++;
            } while (digit());
            return a;
        }

        /** The size of option opt, reading its number if it takes one (optsize); 0 for others. */
        long size(int opt) {
            switch (opt) {
                case 'B', 'b', 'x': return 1;
                case 'H', 'h': return 2;
                case 'L', 'l', 'T', 'd': return 8;
                case 'f': return 4;
                case 'c': return number(1);
                case 'i', 'I': {
                    int sz = number(4);
                    if (sz > MAX_INT_SIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    return sz;
                }
                default: return 0;
            }
        }

        /** Padding that aligns an item of this size at offset len (gettoalign). */
        long padding(long len, int opt, long size) {
            if (size == 0 || opt == 'c') return 0;
            if (Long.compareUnsigned(size, align) > 0) size = align;
            // Not a mask unless size is a power of two; Redis computes it this way all the same.
            return (int) ((size - (len & (size - 1))) & (size - 1));
        }

        /** Endianness, alignment and spaces; anything else is an invalid option (controloptions). */
        void control(int opt, String fname) {
            switch (opt) {
                case ' ' -> { }
                case '>' -> big = BIG;
                case '<' -> big = !BIG;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) throw new LuaError("alignment " + a + " is not a power of 2");
                    align = a;
                }
                default -> throw LuaArgs.argError(1, fname, "invalid format option '" + (char) (opt & 0xff) + "'");
            }
        }
    }

    private static boolean isAlnum(int opt) {
        return opt >= '0' && opt <= '9' || opt >= 'a' && opt <= 'z' || opt >= 'A' && opt <= 'Z';
    }

    // ---------------------------------------------------------------- pack

    private static Varargs pack(Varargs args) {
        Format f = new Format(LuaArgs.checkString(args, 1, "pack"));
        // Redis's pack pushes a nil after its arguments, so a missing one reads "got nil".
        LuaValue[] withMark = new LuaValue[args.narg() + 1];
        for (int k = 0; k < args.narg(); k++) withMark[k] = args.arg(k + 1);
        withMark[args.narg()] = LuaValue.NIL;
        Varargs a = LuaValue.varargsOf(withMark);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (f.more()) {
            int opt = f.next();
            long size = f.size(opt);
            long pad = f.padding(total, opt, size);
            total += pad;
            for (long k = 0; k < pad; k++) out.write(0);
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' ->
                        putInteger(out, LuaArgs.checkNumber(a, arg++, "pack"), f.big, (int) size);
                case 'x' -> out.write(0);
                case 'f' -> putBits(out, Float.floatToRawIntBits((float) LuaArgs.checkNumber(a, arg++, "pack")), f.big, 4);
                case 'd' -> putBits(out, Double.doubleToRawLongBits(LuaArgs.checkNumber(a, arg++, "pack")), f.big, 8);
                case 'c', 's' -> {
                    LuaString s = LuaArgs.checkString(a, arg++, "pack");
                    if (size == 0) size = s.m_length;
                    // Redis names the argument after this one: it already advanced arg.
                    if (s.m_length < size) throw LuaArgs.argError(arg, "pack", "string too short");
                    out.write(s.m_bytes, s.m_offset, (int) size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                }
                default -> f.control(opt, "pack");
            }
            total += size;
        }
        return LuaString.valueUsing(out.toByteArray()); // a fresh array: no copy needed
    }

    /** The number as C's unsigned long (negative ones through long), its low size bytes. */
    private static void putInteger(ByteArrayOutputStream out, double n, boolean big, int size) {
        long value = n < 0 ? LuaArgs.toInteger(n) : LuaArgs.toUnsigned(n);
        putBits(out, value, big, size);
    }

    /** The low size bytes of value in the given order; bytes past the 8th are zero. */
    private static void putBits(ByteArrayOutputStream out, long value, boolean big, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[big ? size - 1 - k : k] = (byte) value;
            value >>>= 8;
        }
        out.write(b, 0, size);
    }

    // ---------------------------------------------------------------- unpack

    private static Varargs unpack(Varargs a) {
        Format f = new Format(LuaArgs.checkString(a, 1, "unpack"));
        LuaString data = LuaArgs.checkString(a, 2, "unpack");
        long ld = data.m_length;
        long pos = LuaArgs.optInteger(a, 3, "unpack", 1);
        // pos is a size_t in C: a negative start passes this check and fails the bounds check.
        if (pos == 0) throw LuaArgs.argError(3, "unpack", "offset must be 1 or greater");
        pos--;
        List<LuaValue> results = new ArrayList<>();
        while (f.more()) {
            int opt = f.next();
            long size = f.size(opt);
            pos += f.padding(pos, opt, size);
            if (!fits(pos, size, ld)) throw LuaArgs.argError(2, "unpack", "data string too short");
            // Lua's C stack holds the arguments and the results: Redis fails past 8000 slots.
            if (a.narg() + results.size() + 2 > LuaArgs.MAX_C_STACK) throw new LuaError("stack overflow (too many results)");
            int at = data.m_offset + (int) pos;
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' ->
                        results.add(LuaValue.valueOf(getInteger(data.m_bytes, at, f.big, opt >= 'a', (int) size)));
                case 'x' -> { }
                case 'f' -> results.add(LuaValue.valueOf(Float.intBitsToFloat((int) getBits(data.m_bytes, at, f.big, 4))));
                case 'd' -> results.add(LuaValue.valueOf(Double.longBitsToDouble(getBits(data.m_bytes, at, f.big, 8))));
                case 'c' -> {
                    if (size == 0) {
                        LuaValue prev = results.isEmpty() ? LuaValue.NIL : results.getLast();
                        if (!prev.isnumber()) throw new LuaError("format 'c0' needs a previous size");
                        size = LuaArgs.toUnsigned(prev.todouble());
                        results.removeLast();
                        if (!fits(pos, size, ld)) throw LuaArgs.argError(2, "unpack", "data string too short");
                    }
                    results.add(LuaString.valueOf(data.m_bytes, at, (int) size));
                }
                case 's' -> {
                    int e = at;
                    int end = data.m_offset + data.m_length;
                    while (e < end && data.m_bytes[e] != 0) e++;
                    if (e == end) throw new LuaError("unfinished string in data");
                    size = e - at + 1;
                    results.add(LuaString.valueOf(data.m_bytes, at, e - at));
                }
                default -> f.control(opt, "unpack");
            }
            pos += size;
        }
        results.add(LuaValue.valueOf((double) (pos + 1))); // a size_t, read back as a signed long
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    /** size &lt;= ld &amp;&amp; pos &lt;= ld - size, all unsigned as in C. */
    private static boolean fits(long pos, long size, long ld) {
        return Long.compareUnsigned(size, ld) <= 0 && Long.compareUnsigned(pos, ld - size) <= 0;
    }

    /** The 64-bit value of size bytes (only the last 8 read count, as C shifts the rest out). */
    private static long getBits(byte[] b, int at, boolean big, int size) {
        long l = 0;
        for (int k = 0; k < size; k++) l = (l << 8) | (b[at + (big ? k : size - 1 - k)] & 0xff);
        return l;
    }

    private static double getInteger(byte[] b, int at, boolean big, boolean signed, int size) {
        long l = getBits(b, at, big, size);
        if (!signed) return LuaArgs.unsignedToDouble(l);
        // Sign-extend from bit size*8-1; the shift count wraps mod 64 in C on x86 and in Java.
        long mask = -1L << (size * 8 - 1);
        if ((l & mask) != 0) l |= mask;
        return l;
    }

    // ---------------------------------------------------------------- size

    private static Varargs size(Varargs a) {
        Format f = new Format(LuaArgs.checkString(a, 1, "size"));
        long pos = 0;
        while (f.more()) {
            int opt = f.next();
            long size = f.size(opt);
            pos += f.padding(pos, opt, size);
            if (opt == 's') throw LuaArgs.argError(1, "size", "option 's' has no fixed size");
            if (opt == 'c' && size == 0) throw LuaArgs.argError(1, "size", "option 'c0' has no fixed size");
            // Redis checks only non-alphanumeric options here: unknown letters count as size 0.
            if (!isAlnum(opt)) f.control(opt, "size");
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
