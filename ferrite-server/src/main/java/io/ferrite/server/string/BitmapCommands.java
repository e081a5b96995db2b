package io.ferrite.server.string;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Bitmap commands (Redis 7.2 group "bitmap"): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
 * BITFIELD_RO, following bitops.c. Bitmaps are string values; bit 0 is the most significant
 * bit of byte 0. Spec: https://redis.io/docs/latest/commands/?group=bitmap
 *
 * <p>As everywhere in the string family, a stored {@code byte[]} is never modified: a write
 * builds a new array and stores it with {@link Database#update}, which keeps the TTL. Writes
 * that change nothing (SETBIT of a bit to its current value inside the string) store nothing
 * and leave the dirty counter alone, as in Redis.
 */
public final class BitmapCommands {
    private BitmapCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("setbit", 4, "write denyoom", "@bitmap", 1, 1, 1, BitmapCommands::setbit,
                "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.");
        t.add("getbit", 3, "readonly fast", "@bitmap", 1, 1, 1, BitmapCommands::getbit,
                "Returns a bit value by offset.");
        t.add("bitcount", -2, "readonly", "@bitmap", 1, 1, 1, BitmapCommands::bitcount,
                "Counts the number of set bits (population counting) in a string.");
        t.add("bitpos", -3, "readonly", "@bitmap", 1, 1, 1, BitmapCommands::bitpos,
                "Finds the first set (1) or clear (0) bit in a string.");
        t.add("bitop", -4, "write denyoom", "@bitmap", 2, -1, 1, BitmapCommands::bitop,
                "Performs bitwise operations on multiple strings, and stores the result.");
        t.add("bitfield", -2, "write denyoom", "@bitmap", 1, 1, 1, BitmapCommands::bitfield,
                "Performs arbitrary bitfield integer operations on strings.");
        t.add("bitfield_ro", -2, "readonly fast", "@bitmap", 1, 1, 1, BitmapCommands::bitfieldRo,
                "Performs arbitrary read-only bitfield integer operations on strings.");
    }

    /** 8 bytes at a time, for population counts, scans and BITOP. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final CommandError BIT_ARGUMENT = new CommandError("ERR The bit argument must be 1 or 0.");
    private static final CommandError BITOP_NOT_ARITY =
            new CommandError("ERR BITOP NOT must be called with a single source key.");
    private static final CommandError BITFIELD_TYPE = new CommandError(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    private static final CommandError BITFIELD_OVERFLOW_TYPE = new CommandError("ERR Invalid OVERFLOW type specified");
    private static final CommandError BITFIELD_RO_WRITE =
            new CommandError("ERR BITFIELD_RO only supports the GET subcommand");

    /**
     * getBitOffsetFromArgument: a non-negative bit offset whose byte lies below
     * proto-max-bulk-len (and, here, within the largest Java array). With {@code bits > 0} the
     * BITFIELD form "#N" means N * bits.
     */
    static long bitOffset(Client c, byte[] arg, int bits) {
        boolean hash = bits > 0 && arg.length > 0 && arg[0] == '#';
        long off = Numbers.parseLong(arg, hash ? 1 : 0, arg.length - (hash ? 1 : 0), CommandError.BIT_OFFSET);
        if (hash) off *= bits; // wraps on overflow, as the C code does in practice
        if (off < 0 || (off >>> 3) >= c.server().config().protoMaxBulkLen.longValue()
                || (off >>> 3) >= StringCommands.MAX_ARRAY) {
            throw CommandError.BIT_OFFSET;
        }
        return off;
    }

    // ---------------------------------------------------------------- SETBIT / GETBIT

    /** SETBIT key offset 0|1: replies the bit's previous value; zero-pads; keeps the TTL. */
    static void setbit(Client c) {
        long offset = bitOffset(c, c.arg(2), 0);
        long on = Numbers.parseLong(c.arg(3), CommandError.BIT_VALUE);
        if ((on & ~1L) != 0) throw CommandError.BIT_VALUE;
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        byte[] b = StringCommands.stringOf(e);
        int byteIndex = (int) (offset >>> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        boolean wasSet = b != null && byteIndex < b.length && (b[byteIndex] & mask) != 0;
        if (b == null) {
            byte[] v = new byte[byteIndex + 1];
            if (on == 1) v[byteIndex] = (byte) mask;
            db.add(c.arg(1), v);
        } else if (byteIndex < b.length && wasSet != (on == 1)) {
            // In place: a stored string is owned by its key alone (COPY clones), so no copy is needed.
            b[byteIndex] = (byte) (on == 1 ? b[byteIndex] | mask : b[byteIndex] & ~mask);
            db.touched(e);
        } else if (byteIndex >= b.length) {
            byte[] v = Arrays.copyOf(b, Math.max(b.length, byteIndex + 1));
            v[byteIndex] = (byte) (on == 1 ? v[byteIndex] | mask : v[byteIndex] & ~mask);
            db.update(e, v);
        }
        c.reply().integer(wasSet ? 1 : 0);
    }

    /** GETBIT key offset: 0 beyond the end of the string or for a missing key. */
    static void getbit(Client c) {
        long offset = bitOffset(c, c.arg(2), 0);
        byte[] b = StringCommands.stringOf(c.db().lookupRead(c.arg(1)));
        long byteIndex = offset >>> 3;
        int bit = 0;
        if (b != null && byteIndex < b.length) bit = (b[(int) byteIndex] >> (7 - (int) (offset & 7))) & 1;
        c.reply().integer(bit);
    }

    // ---------------------------------------------------------------- BITCOUNT / BITPOS

    /** BITCOUNT key [start end [BYTE | BIT]] */
    static void bitcount(Client c) {
        RespWriter w = c.reply();
        // The key is looked up (and 0 replied for a missing one) before the range is parsed.
        byte[] p = StringCommands.stringOf(c.db().lookupRead(c.arg(1)));
        if (p == null) {
            w.integer(0);
            return;
        }
        int argc = c.argc();
        long strlen = p.length;
        long start, end;
        int firstNegMask = 0, lastNegMask = 0;
        if (argc == 4 || argc == 5) {
            start = Numbers.parseLong(c.arg(2));
            end = Numbers.parseLong(c.arg(3));
            if (start < 0 && end < 0 && start > end) {
                w.integer(0);
                return;
            }
            boolean isBit = false;
            if (argc == 5) {
                if (StringCommands.is(c.arg(4), "bit")) isBit = true;
                else if (!StringCommands.is(c.arg(4), "byte")) throw CommandError.SYNTAX;
            }
            ByteRange r = ByteRange.of(start, end, strlen, isBit);
            start = r.start();
            end = r.end();
            firstNegMask = r.firstNegMask();
            lastNegMask = r.lastNegMask();
        } else if (argc == 2) {
            start = 0;
            end = strlen - 1;
        } else {
            throw CommandError.SYNTAX;
        }
        if (start > end) {
            w.integer(0);
            return;
        }
        long count = popcount(p, (int) start, (int) (end - start + 1));
        if (firstNegMask != 0) count -= Integer.bitCount(p[(int) start] & firstNegMask);
        if (lastNegMask != 0) count -= Integer.bitCount(p[(int) end] & lastNegMask);
        w.integer(count);
    }

    /**
     * A BITCOUNT/BITPOS range resolved against a string of strlen bytes: negative indexes count
     * from the end, the range is clamped, and a BIT range becomes whole bytes plus masks of the
     * bits outside it in the first and last byte. start > end means an empty range.
     */
    record ByteRange(long start, long end, int firstNegMask, int lastNegMask) {
        static ByteRange of(long start, long end, long strlen, boolean isBit) {
            long totlen = isBit ? strlen << 3 : strlen;
            if (start < 0) start = totlen + start;
            if (end < 0) end = totlen + end;
            if (start < 0) start = 0;
            if (end < 0) end = 0;
            if (end >= totlen) end = totlen - 1;
            int firstNegMask = 0, lastNegMask = 0;
            if (isBit && start <= end) {
                firstNegMask = ~((1 << (8 - (int) (start & 7))) - 1) & 0xFF;
                lastNegMask = (1 << (7 - (int) (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            }
            return new ByteRange(start, end, firstNegMask, lastNegMask);
        }
    }

    /** Number of set bits in p[from, from + len). */
    static long popcount(byte[] p, int from, int len) {
        long bits = 0;
        int i = from, end = from + len;
        for (; i + 8 <= end; i += 8) bits += Long.bitCount((long) LONGS.get(p, i));
        for (; i < end; i++) bits += Integer.bitCount(p[i] & 0xFF);
        return bits;
    }

    /**
     * redisBitpos: the position of the first bit equal to {@code bit} in p[from, from + count),
     * relative to from. Looking for 1 in all-zero bytes gives -1; looking for 0 in all-one bytes
     * gives count * 8 (the string is taken as zero-padded on the right).
     */
    static long bitposIn(byte[] p, int from, int count, int bit) {
        int i = from, end = from + count;
        long skipWord = bit == 1 ? 0L : -1L;
        while (i + 8 <= end && (long) LONGS.get(p, i) == skipWord) i += 8;
        byte skip = (byte) (bit == 1 ? 0 : 0xFF);
        while (i < end && p[i] == skip) i++;
        if (i == end) return bit == 1 ? -1 : (long) count << 3;
        int v = bit == 1 ? p[i] & 0xFF : ~p[i] & 0xFF;
        return ((long) (i - from) << 3) + Integer.numberOfLeadingZeros(v) - 24;
    }

    /** bitposIn over one byte value (0..255). */
    private static long bitposByte(int b, int bit) {
        if (bit == 1) return b == 0 ? -1 : Integer.numberOfLeadingZeros(b) - 24;
        return b == 0xFF ? 8 : Integer.numberOfLeadingZeros(~b & 0xFF) - 24;
    }

    /** BITPOS key bit [start [end [BYTE | BIT]]] */
    static void bitpos(Client c) {
        long bitArg = Numbers.parseLong(c.arg(2));
        if (bitArg != 0 && bitArg != 1) throw BIT_ARGUMENT;
        int bit = (int) bitArg;
        RespWriter w = c.reply();
        DbEntry e = c.db().lookupRead(c.arg(1));
        // A missing key is an infinite run of zeros.
        if (e == null) {
            w.integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] p = StringCommands.stringOf(e);
        int argc = c.argc();
        long strlen = p.length;
        long start, end;
        boolean endGiven = false;
        int firstNegMask = 0, lastNegMask = 0;
        if (argc == 4 || argc == 5 || argc == 6) {
            boolean isBit = false;
            start = Numbers.parseLong(c.arg(3));
            if (argc == 6) {
                if (StringCommands.is(c.arg(5), "bit")) isBit = true;
                else if (!StringCommands.is(c.arg(5), "byte")) throw CommandError.SYNTAX;
            }
            if (argc >= 5) {
                end = Numbers.parseLong(c.arg(4));
                endGiven = true;
            } else {
                end = isBit ? (strlen << 3) + 7 : strlen - 1;
            }
            ByteRange r = ByteRange.of(start, end, strlen, isBit);
            start = r.start();
            end = r.end();
            firstNegMask = r.firstNegMask();
            lastNegMask = r.lastNegMask();
        } else if (argc == 3) {
            start = 0;
            end = strlen - 1;
        } else {
            throw CommandError.SYNTAX;
        }
        if (start > end) {
            w.integer(-1);
            return;
        }
        long bytes = end - start + 1;
        long pos;
        result:
        {
            if (firstNegMask != 0) {
                int tmp = bit == 1 ? p[(int) start] & ~firstNegMask : p[(int) start] | firstNegMask;
                if (lastNegMask != 0 && bytes == 1) {
                    tmp = bit == 1 ? tmp & ~lastNegMask : tmp | lastNegMask;
                }
                pos = bitposByte(tmp & 0xFF, bit);
                if (bytes == 1 || (pos != -1 && pos != 8)) break result;
                start++;
                bytes--;
            }
            long curBytes = bytes - (lastNegMask != 0 ? 1 : 0);
            if (curBytes > 0) {
                pos = bitposIn(p, (int) start, (int) curBytes, bit);
                if (bytes == curBytes || (pos != -1 && pos != curBytes << 3)) break result;
                start += curBytes;
                bytes -= curBytes;
            }
            int tmp = bit == 1 ? p[(int) end] & ~lastNegMask : p[(int) end] | lastNegMask;
            pos = bitposByte(tmp & 0xFF, bit);
        }
        // With an explicit end, looking for 0 may not run past the range into the padding.
        if (endGiven && bit == 0 && pos == bytes << 3) {
            w.integer(-1);
            return;
        }
        if (pos != -1) pos += start << 3;
        w.integer(pos);
    }

    // ---------------------------------------------------------------- BITOP

    private static final int AND = 0, OR = 1, XOR = 2, NOT = 3;

    /**
     * BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings, shorter
     * inputs are zero-padded; the destination is replaced (TTL dropped) or, for an empty
     * result, deleted. Replies the result's length.
     */
    static void bitop(Client c) {
        byte[] opName = c.arg(1);
        int op;
        if (StringCommands.is(opName, "and")) op = AND;
        else if (StringCommands.is(opName, "or")) op = OR;
        else if (StringCommands.is(opName, "xor")) op = XOR;
        else if (StringCommands.is(opName, "not")) op = NOT;
        else throw CommandError.SYNTAX;
        if (op == NOT && c.argc() != 4) throw BITOP_NOT_ARITY;
        Database db = c.db();
        int n = c.argc() - 3;
        byte[][] src = new byte[n][];
        int maxLen = 0;
        for (int j = 0; j < n; j++) {
            byte[] s = StringCommands.stringOf(db.lookupRead(c.arg(j + 3)));
            src[j] = s == null ? new byte[0] : s;
            maxLen = Math.max(maxLen, src[j].length);
        }
        byte[] dest = c.arg(2);
        if (maxLen == 0) {
            db.delete(dest);
            c.reply().integer(0);
            return;
        }
        byte[] res = new byte[maxLen];
        if (op == NOT) {
            byte[] s = src[0];
            int i = 0;
            for (; i + 8 <= maxLen; i += 8) LONGS.set(res, i, ~(long) LONGS.get(s, i));
            for (; i < maxLen; i++) res[i] = (byte) ~s[i];
        } else {
            System.arraycopy(src[0], 0, res, 0, src[0].length);
            for (int j = 1; j < n; j++) {
                byte[] s = src[j];
                int len = s.length, i = 0;
                for (; i + 8 <= len; i += 8) {
                    long a = (long) LONGS.get(res, i), b = (long) LONGS.get(s, i);
                    LONGS.set(res, i, op == AND ? a & b : op == OR ? a | b : a ^ b);
                }
                for (; i < len; i++) {
                    res[i] = (byte) (op == AND ? res[i] & s[i] : op == OR ? res[i] | s[i] : res[i] ^ s[i]);
                }
                // AND with the zero padding of a shorter input clears the tail.
                if (op == AND && len < maxLen) Arrays.fill(res, len, maxLen, (byte) 0);
            }
        }
        db.set(dest, res);
        c.reply().integer(maxLen);
    }

    // ---------------------------------------------------------------- BITFIELD

    private static final int OP_GET = 0, OP_SET = 1, OP_INCRBY = 2;
    private static final int WRAP = 0, SAT = 1, FAIL = 2;

    /** One parsed BITFIELD operation. */
    private record Op(int opcode, long offset, long value, int owtype, int bits, boolean signed) {}

    static void bitfield(Client c) { bitfieldGeneric(c, false); }

    static void bitfieldRo(Client c) { bitfieldGeneric(c, true); }

    /**
     * BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
     * [OVERFLOW WRAP|SAT|FAIL] ... All operations are parsed (and every error raised) before
     * any is run; replies one integer per GET/SET/INCRBY, nil for a FAIL overflow.
     */
    private static void bitfieldGeneric(Client c, boolean readOnlyCommand) {
        int argc = c.argc();
        Op[] ops = new Op[Math.max(0, (argc - 2) / 3)];
        int numOps = 0;
        int owtype = WRAP;
        boolean readonly = true;
        long highestWrite = 0;
        for (int j = 2; j < argc; j++) {
            int remaining = argc - j - 1;
            byte[] sub = c.arg(j);
            int opcode;
            if (StringCommands.is(sub, "get") && remaining >= 2) {
                opcode = OP_GET;
            } else if (StringCommands.is(sub, "set") && remaining >= 3) {
                opcode = OP_SET;
            } else if (StringCommands.is(sub, "incrby") && remaining >= 3) {
                opcode = OP_INCRBY;
            } else if (StringCommands.is(sub, "overflow") && remaining >= 1) {
                byte[] name = c.arg(++j);
                if (StringCommands.is(name, "wrap")) owtype = WRAP;
                else if (StringCommands.is(name, "sat")) owtype = SAT;
                else if (StringCommands.is(name, "fail")) owtype = FAIL;
                else throw BITFIELD_OVERFLOW_TYPE;
                continue;
            } else {
                throw CommandError.SYNTAX;
            }
            byte[] type = c.arg(j + 1);
            boolean signed;
            if (type.length > 0 && type[0] == 'i') signed = true;
            else if (type.length > 0 && type[0] == 'u') signed = false;
            else throw BITFIELD_TYPE;
            long bits = Numbers.parseLong(type, 1, type.length - 1, BITFIELD_TYPE);
            if (bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) throw BITFIELD_TYPE;
            long offset = bitOffset(c, c.arg(j + 2), (int) bits);
            long value = 0;
            if (opcode != OP_GET) {
                readonly = false;
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                value = Numbers.parseLong(c.arg(j + 3));
            }
            if (numOps == ops.length) ops = Arrays.copyOf(ops, numOps * 2 + 1);
            ops[numOps++] = new Op(opcode, offset, value, owtype, (int) bits, signed);
            j += opcode == OP_GET ? 2 : 3;
        }

        Database db = c.db();
        RespWriter w = c.reply();
        byte[] p;
        DbEntry e = null;
        boolean created = false, grown = false;
        if (readonly) {
            p = StringCommands.stringOf(db.lookupRead(c.arg(1)));
            if (p == null) p = new byte[0];
        } else {
            if (readOnlyCommand) throw BITFIELD_RO_WRITE;
            e = db.lookup(c.arg(1));
            byte[] b = StringCommands.stringOf(e);
            long need = (highestWrite >>> 3) + 1;
            if (need > StringCommands.MAX_ARRAY) throw CommandError.BIT_OFFSET;
            if (b == null) {
                p = new byte[(int) need];
                created = true;
            } else if (b.length < need) {
                p = Arrays.copyOf(b, (int) need);
                grown = true;
            } else {
                p = b.clone(); // written below; the stored array is never modified in place
            }
        }

        w.array(numOps);
        int changes = 0;
        for (int j = 0; j < numOps; j++) {
            Op op = ops[j];
            if (op.opcode == OP_GET) {
                if (op.signed) w.integer(getSigned(p, op.offset, op.bits));
                else w.integer(getUnsigned(p, op.offset, op.bits));
                continue;
            }
            long oldVal, newVal, retVal;
            boolean overflow;
            long[] limit = new long[1];
            if (op.signed) {
                oldVal = getSigned(p, op.offset, op.bits);
                if (op.opcode == OP_INCRBY) {
                    overflow = checkSignedOverflow(oldVal, op.value, op.bits, op.owtype, limit) != 0;
                    newVal = overflow ? limit[0] : oldVal + op.value;
                    retVal = newVal;
                } else {
                    newVal = op.value;
                    overflow = checkSignedOverflow(newVal, 0, op.bits, op.owtype, limit) != 0;
                    if (overflow) newVal = limit[0];
                    retVal = oldVal;
                }
            } else {
                oldVal = getUnsigned(p, op.offset, op.bits);
                if (op.opcode == OP_INCRBY) {
                    newVal = oldVal + op.value;
                    overflow = checkUnsignedOverflow(oldVal, op.value, op.bits, op.owtype, limit) != 0;
                    if (overflow) newVal = limit[0];
                    retVal = newVal;
                } else {
                    newVal = op.value;
                    overflow = checkUnsignedOverflow(newVal, 0, op.bits, op.owtype, limit) != 0;
                    if (overflow) newVal = limit[0];
                    retVal = oldVal;
                }
            }
            if (overflow && op.owtype == FAIL) {
                w.nullBulk();
                continue;
            }
            w.integer(retVal);
            setBits(p, op.offset, op.bits, newVal);
            if (created || grown || oldVal != newVal) changes++;
        }

        if (!readonly) {
            if (created) {
                // Redis creates the key even when every write failed on overflow.
                e = db.add(c.arg(1), p);
                changes--;
            } else if (grown || changes > 0) {
                db.update(e, p);
                changes--;
            }
            for (; changes > 0; changes--) db.touched(e);
        }
    }

    /** getUnsignedBitfield: bits (1..64) starting at bit offset, most significant first. */
    static long getUnsigned(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++, offset++) {
            long byteIndex = offset >>> 3;
            int bit = 0;
            if (byteIndex < p.length) bit = (p[(int) byteIndex] >> (7 - (int) (offset & 7))) & 1;
            value = (value << 1) | bit;
        }
        return value;
    }

    static long getSigned(byte[] p, long offset, int bits) {
        long value = getUnsigned(p, offset, bits);
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) value |= -1L << bits;
        return value;
    }

    /** setUnsignedBitfield: p must be long enough. */
    static void setBits(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++, offset++) {
            int bitval = (int) ((value >>> (bits - 1 - j)) & 1);
            int byteIndex = (int) (offset >>> 3);
            int bit = 7 - (int) (offset & 7);
            p[byteIndex] = (byte) ((p[byteIndex] & ~(1 << bit)) | (bitval << bit));
        }
    }

    /**
     * checkUnsignedBitfieldOverflow with 64-bit two's complement arithmetic (value is an
     * unsigned 64-bit quantity): 1 overflow, -1 underflow, 0 fits; limit[0] the wrapped or
     * saturated result.
     */
    static int checkUnsignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            if (owtype == WRAP) return wrapUnsigned(value, incr, bits, limit);
            if (owtype == SAT) limit[0] = max;
            return 1;
        } else if (incr < 0 && incr < minIncr) {
            if (owtype == WRAP) return wrapUnsigned(value, incr, bits, limit);
            if (owtype == SAT) limit[0] = 0;
            return -1;
        }
        return 0;
    }

    private static int wrapUnsigned(long value, long incr, int bits, long[] limit) {
        long mask = -1L << bits; // bits <= 63 here
        limit[0] = (value + incr) & ~mask;
        return 1;
    }

    /** checkSignedBitfieldOverflow, with C's wrapping signed arithmetic. */
    static int checkSignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            if (owtype == WRAP) return wrapSigned(value, incr, bits, limit);
            if (owtype == SAT) limit[0] = max;
            return 1;
        } else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            if (owtype == WRAP) return wrapSigned(value, incr, bits, limit);
            if (owtype == SAT) limit[0] = min;
            return -1;
        }
        return 0;
    }

    private static int wrapSigned(long value, long incr, int bits, long[] limit) {
        long msb = 1L << (bits - 1);
        long r = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            r = (r & msb) != 0 ? r | mask : r & ~mask;
        }
        limit[0] = r;
        return 1;
    }
}
