package io.ferrite.server.list;

import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.blocking.BlockedClients;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.util.Arrays;

/**
 * List commands (Redis 7.2 group "list"): LPUSH RPUSH LPUSHX RPUSHX LINSERT LLEN LINDEX LSET
 * LRANGE LTRIM LREM LPOS LPOP RPOP LMPOP LMOVE RPOPLPUSH, and the blocking BLPOP BRPOP BLMPOP
 * BLMOVE BRPOPLPUSH. Spec: https://redis.io/docs/latest/commands/?group=list (behaviour and
 * error texts checked against t_list.c of 7.2.6). Layout: {@link ListValue}.
 *
 * <p>A blocking command parses and validates all its arguments first, then tries to serve;
 * when every key is missing it parks the client ({@link Client#block}) and writes nothing.
 * When one of the keys is created, the same handler runs again with the command's locks (see
 * {@link BlockedClients}); finding nothing again, it parks again and keeps its place.
 */
public final class ListCommands {
    private ListCommands() {}

    private static final CommandError OUT_OF_RANGE = new CommandError("ERR index out of range");
    private static final CommandError MUST_BE_POSITIVE = new CommandError("ERR value is out of range, must be positive");
    private static final CommandError RANK_ZERO = new CommandError("ERR RANK can't be zero: use 1 to start from the "
            + "first match, 2 from the second ... or use negative to start from the end of the list");
    private static final CommandError RANK_RANGE = new CommandError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    private static final CommandError COUNT_NEGATIVE = new CommandError("ERR COUNT can't be negative");
    private static final CommandError MAXLEN_NEGATIVE = new CommandError("ERR MAXLEN can't be negative");
    private static final CommandError NUMKEYS = new CommandError("ERR numkeys should be greater than 0");
    private static final CommandError COUNT_POSITIVE = new CommandError("ERR count should be greater than 0");

    public static void register(CommandTable.Builder t) {
        t.add("lpush", -3, "write denyoom fast", "@list", 1, 1, 1, ListCommands::lpush);
        t.add("rpush", -3, "write denyoom fast", "@list", 1, 1, 1, ListCommands::rpush);
        t.add("lpushx", -3, "write denyoom fast", "@list", 1, 1, 1, ListCommands::lpushx);
        t.add("rpushx", -3, "write denyoom fast", "@list", 1, 1, 1, ListCommands::rpushx);
        t.add("linsert", 5, "write denyoom", "@list", 1, 1, 1, ListCommands::linsert);
        t.add("llen", 2, "readonly fast", "@list", 1, 1, 1, ListCommands::llen);
        t.add("lindex", 3, "readonly", "@list", 1, 1, 1, ListCommands::lindex);
        t.add("lset", 4, "write denyoom", "@list", 1, 1, 1, ListCommands::lset);
        t.add("lrange", 4, "readonly", "@list", 1, 1, 1, ListCommands::lrange);
        t.add("ltrim", 4, "write", "@list", 1, 1, 1, ListCommands::ltrim);
        t.add("lrem", 4, "write", "@list", 1, 1, 1, ListCommands::lrem);
        t.add("lpos", -3, "readonly", "@list", 1, 1, 1, ListCommands::lpos);
        t.add("lpop", -2, "write fast", "@list", 1, 1, 1, ListCommands::lpop);
        t.add("rpop", -2, "write fast", "@list", 1, 1, 1, ListCommands::rpop);
        // numkeys: the keys cannot be named up front, so these lock every shard.
        t.add("lmpop", -4, "write movablekeys lock_all", "@list", 0, 0, 0, ListCommands::lmpop);
        t.add("lmove", 5, "write denyoom", "@list", 1, 2, 1, ListCommands::lmove);
        t.add("rpoplpush", 3, "write denyoom", "@list", 1, 2, 1, ListCommands::rpoplpush);
        t.add("blpop", -3, "write blocking", "@list", 1, -2, 1, ListCommands::blpop);
        t.add("brpop", -3, "write blocking", "@list", 1, -2, 1, ListCommands::brpop);
        t.add("blmpop", -5, "write blocking movablekeys lock_all", "@list", 0, 0, 0, ListCommands::blmpop);
        t.add("blmove", 6, "write denyoom blocking", "@list", 1, 2, 1, ListCommands::blmove);
        t.add("brpoplpush", 4, "write denyoom blocking", "@list", 1, 2, 1, ListCommands::brpoplpush);
    }

    /** list-max-listpack-size, read per command as Redis does. */
    private static int fill(Client c) {
        return c.server().config().param("list-max-listpack-size").intValue();
    }

    /** The list at e, or WRONGTYPE. */
    private static ListValue list(DbEntry e) {
        if (e.value() instanceof ListValue l) return l;
        throw CommandError.WRONGTYPE;
    }

    /**
     * After count elements were removed: delete an emptied list, else maybe back to a listpack.
     * Redis counts one change per element (server.dirty += count), the Database one per call.
     */
    private static void removed(Client c, DbEntry e, ListValue l, long count) {
        if (l.isEmpty()) {
            c.db().remove(e);
        } else {
            l.afterShrinking(fill(c));
            c.db().touched(e);
        }
        moreChanges(c, count - 1);
    }

    /**
     * Adds to the change counter (INFO rdb_changes_since_last_save) what Redis counts beyond
     * the one change each Database add/remove/touched records: Redis counts list changes per
     * element, and not at all for creating or deleting the key.
     */
    private static void moreChanges(Client c, long n) {
        if (n != 0) c.db().keyspace().stats().dirty.add(n);
    }

    /** LEFT → true (head), RIGHT → false; anything else is a syntax error. */
    private static boolean front(byte[] where) {
        if (StringCommands.is(where, "left")) return true;
        if (StringCommands.is(where, "right")) return false;
        throw CommandError.SYNTAX;
    }

    // ---- push

    static void lpush(Client c) { push(c, true, false); }

    static void rpush(Client c) { push(c, false, false); }

    static void lpushx(Client c) { push(c, true, true); }

    static void rpushx(Client c) { push(c, false, true); }

    /** LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]; the X forms only push onto an existing list. */
    private static void push(Client c, boolean front, boolean onlyExisting) {
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = db.lookup(key);
        ListValue l;
        if (e == null) {
            if (onlyExisting) {
                c.reply().integer(0);
                return;
            }
            l = new ListValue(c.argc() - 2);
        } else {
            l = list(e);
        }
        int argc = c.argc();
        long bytes = 0;
        for (int i = 2; i < argc; i++) bytes += c.arg(i).length;
        l.beforeGrowing(fill(c), bytes, argc - 2);
        for (int i = 2; i < argc; i++) l.push(c.arg(i), front);
        // A new key wakes clients blocked on it (Database.add signals); they are served after
        // this command, so this reply still counts the elements they will take.
        if (e == null) db.add(key, l); else db.touched(e);
        moreChanges(c, argc - 3);
        KeyspaceEvents.notify(c, KeyspaceEvents.LIST, front ? "lpush" : "rpush", key);
        c.reply().integer(l.size());
    }

    /** LINSERT key BEFORE|AFTER pivot element */
    static void linsert(Client c) {
        boolean after;
        if (StringCommands.is(c.arg(2), "after")) {
            after = true;
        } else if (StringCommands.is(c.arg(2), "before")) {
            after = false;
        } else {
            throw CommandError.SYNTAX;
        }
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        ListValue l = list(e);
        byte[] element = c.arg(4);
        // Redis converts before searching, so a missing pivot still leaves a quicklist.
        l.beforeGrowing(fill(c), element.length, 1);
        if (!l.insert(c.arg(3), element, after)) {
            c.reply().integer(-1);
            return;
        }
        c.db().touched(e);
        c.reply().integer(l.size());
    }

    // ---- read

    static void llen(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        c.reply().integer(e == null ? 0 : list(e).size());
    }

    /** LINDEX key index: the key is looked up before the index is parsed, as in Redis. */
    static void lindex(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        ListValue l = list(e);
        long index = Numbers.parseLong(c.arg(2));
        if (index < 0) index += l.size();
        c.reply().bulk(index < 0 || index >= l.size() ? null : l.get(index));
    }

    /** LSET key index element */
    static void lset(Client c) {
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        ListValue l = list(e);
        long index = Numbers.parseLong(c.arg(2));
        byte[] element = c.arg(3);
        int fill = fill(c);
        l.beforeGrowing(fill, element.length, 1);
        if (index < 0) index += l.size();
        if (index < 0 || index >= l.size()) throw OUT_OF_RANGE;
        l.set(index, element);
        // A big element replaced by a small one may let a one-node quicklist shrink back.
        l.afterShrinking(fill);
        c.db().touched(e);
        c.reply().ok();
    }

    /** LRANGE key start stop */
    static void lrange(Client c) {
        long start = Numbers.parseLong(c.arg(2));
        long end = Numbers.parseLong(c.arg(3));
        DbEntry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().emptyArray();
            return;
        }
        replyRange(c.reply(), list(e), start, end);
    }

    /** Redis's addListRangeReply: negative indexes from the end, clamped, empty when inverted. */
    private static void replyRange(RespWriter w, ListValue l, long start, long end) {
        long size = l.size();
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (start < 0) start = 0;
        if (start > end || start >= size) {
            w.emptyArray();
            return;
        }
        if (end >= size) end = size - 1;
        long n = end - start + 1;
        w.array(n);
        ListValue.Cursor it = l.cursor(start, false);
        for (long i = 0; i < n; i++) w.bulk(it.next());
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
    static void lpos(Client c) {
        byte[] element = c.arg(2);
        long rank = 1, count = -1, maxlen = 0; // count -1: no COUNT option
        int argc = c.argc();
        for (int j = 3; j < argc; j++) {
            byte[] opt = c.arg(j);
            boolean more = j + 1 < argc;
            if (StringCommands.is(opt, "rank") && more) {
                rank = Numbers.parseLong(c.arg(++j));
                if (rank == Long.MIN_VALUE) throw RANK_RANGE;
                if (rank == 0) throw RANK_ZERO;
            } else if (StringCommands.is(opt, "count") && more) {
                count = nonNegative(c.arg(++j), COUNT_NEGATIVE);
            } else if (StringCommands.is(opt, "maxlen") && more) {
                maxlen = nonNegative(c.arg(++j), MAXLEN_NEGATIVE);
            } else {
                throw CommandError.SYNTAX;
            }
        }
        RespWriter w = c.reply();
        DbEntry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            if (count != -1) w.emptyArray(); else w.nullBulk();
            return;
        }
        ListValue l = list(e);
        boolean fromTail = rank < 0;
        if (fromTail) rank = -rank;
        long size = l.size();
        // The matching indexes are collected first: the reply's length comes before them.
        long[] found = count == -1 ? null : new long[(int) Math.min(count == 0 ? 16 : count, 16)];
        int nfound = 0;
        long matches = 0, single = -1;
        ListValue.Cursor it = l.cursor(fromTail ? size - 1 : 0, fromTail);
        for (long i = 0; it.hasNext() && (maxlen == 0 || i < maxlen); i++) {
            if (!Arrays.equals(it.next(), element)) continue;
            matches++;
            if (matches < rank) continue;
            long index = fromTail ? size - 1 - i : i;
            if (found == null) {
                single = index;
                break;
            }
            if (nfound == found.length) found = Arrays.copyOf(found, found.length * 2);
            found[nfound++] = index;
            if (count != 0 && nfound >= count) break;
        }
        if (found == null) {
            if (single == -1) w.nullBulk(); else w.integer(single);
            return;
        }
        w.array(nfound);
        for (int i = 0; i < nfound; i++) w.integer(found[i]);
    }

    private static long nonNegative(byte[] arg, CommandError error) {
        long v = Numbers.parseLong(arg, error);
        if (v < 0) throw error;
        return v;
    }

    // ---- remove

    /** LTRIM key start stop */
    static void ltrim(Client c) {
        long start = Numbers.parseLong(c.arg(2));
        long end = Numbers.parseLong(c.arg(3));
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            c.reply().ok();
            return;
        }
        ListValue l = list(e);
        long size = l.size();
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (start < 0) start = 0;
        long fromHead, fromTail;
        if (start > end || start >= size) {
            fromHead = size;
            fromTail = 0;
        } else {
            if (end >= size) end = size - 1;
            fromHead = start;
            fromTail = size - end - 1;
        }
        l.trim(fromHead, fromTail);
        removed(c, e, l, fromHead + fromTail);
        c.reply().ok();
    }

    /** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
    static void lrem(Client c) {
        long count = Numbers.parseLong(c.arg(2));
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        ListValue l = list(e);
        long n = l.remove(c.arg(3), count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count), count < 0);
        if (n > 0) removed(c, e, l, n);
        c.reply().integer(n);
    }

    // ---- pop

    static void lpop(Client c) { pop(c, true); }

    static void rpop(Client c) { pop(c, false); }

    /** LPOP/RPOP key [count]: a bulk without count; an array with it (null array for a missing key). */
    private static void pop(Client c, boolean front) {
        if (c.argc() > 3) throw CommandError.arity(front ? "lpop" : "rpop");
        boolean hasCount = c.argc() == 3;
        long count = 0;
        if (hasCount) count = nonNegative(c.arg(2), MUST_BE_POSITIVE);
        RespWriter w = c.reply();
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            if (hasCount) w.nullArray(); else w.nullBulk();
            return;
        }
        ListValue l = list(e);
        if (hasCount && count == 0) {
            w.emptyArray();
            return;
        }
        if (!hasCount) {
            w.bulk(l.pop(front));
            count = 1;
        } else {
            count = Math.min(count, l.size());
            w.array(count);
            for (long i = 0; i < count; i++) w.bulk(l.pop(front));
        }
        KeyspaceEvents.notify(c, KeyspaceEvents.LIST, front ? "lpop" : "rpop", c.arg(1));
        removed(c, e, l, count);
    }

    static void lmpop(Client c) { mpop(c, 1, false); }

    static void blmpop(Client c) { mpop(c, 2, true); }

    /**
     * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and
     * BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]:
     * [key, [elements]] from the first non-empty list, else a null array (or block).
     */
    private static void mpop(Client c, int numkeysIndex, boolean blocking) {
        int argc = c.argc();
        long numkeys = Numbers.parseLong(c.arg(numkeysIndex), NUMKEYS);
        if (numkeys < 1) throw NUMKEYS;
        if (numkeys >= argc) throw CommandError.SYNTAX;
        int whereIndex = numkeysIndex + (int) numkeys + 1;
        if (whereIndex >= argc) throw CommandError.SYNTAX;
        boolean front = front(c.arg(whereIndex));
        long count = -1;
        for (int j = whereIndex + 1; j < argc; j++) {
            if (count == -1 && StringCommands.is(c.arg(j), "count") && j + 1 < argc) {
                count = Numbers.parseLong(c.arg(++j), COUNT_POSITIVE);
                if (count < 1) throw COUNT_POSITIVE;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (count == -1) count = 1;
        long timeout = blocking ? BlockedClients.parseTimeoutSeconds(c.arg(1)) : 0;
        int firstKey = numkeysIndex + 1;
        if (blocking && c.serving() && !anyList(c, firstKey, (int) numkeys)) {
            c.block(keys(c, firstKey, (int) numkeys), timeout, RespWriter::nullArray);
            return;
        }
        for (int i = firstKey; i < firstKey + numkeys; i++) {
            byte[] key = c.arg(i);
            DbEntry e = c.db().lookup(key);
            if (e == null) continue;
            ListValue l = list(e);
            RespWriter w = c.reply();
            long n = Math.min(count, l.size());
            w.array(2);
            w.bulk(key);
            w.array(n);
            for (long k = 0; k < n; k++) w.bulk(l.pop(front));
            removed(c, e, l, n);
            return;
        }
        if (blocking) {
            c.block(keys(c, firstKey, (int) numkeys), timeout, RespWriter::nullArray);
        } else {
            c.reply().nullArray();
        }
    }

    static void blpop(Client c) { blockingPop(c, true); }

    static void brpop(Client c) { blockingPop(c, false); }

    /** BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list. */
    private static void blockingPop(Client c, boolean front) {
        int argc = c.argc();
        long timeout = BlockedClients.parseTimeoutSeconds(c.arg(argc - 1));
        int nkeys = argc - 2;
        if (c.serving() && !anyList(c, 1, nkeys)) {
            c.block(keys(c, 1, nkeys), timeout, RespWriter::nullArray);
            return;
        }
        for (int i = 1; i <= nkeys; i++) {
            byte[] key = c.arg(i);
            DbEntry e = c.db().lookup(key);
            if (e == null) continue;
            ListValue l = list(e);
            RespWriter w = c.reply();
            w.array(2);
            w.bulk(key);
            w.bulk(l.pop(front));
            removed(c, e, l, 1);
            return;
        }
        c.block(keys(c, 1, nkeys), timeout, RespWriter::nullArray);
    }

    /**
     * When a parked command runs again, Redis re-runs it only if the woken key holds a list;
     * a key recreated with another type leaves the client blocked instead of failing it.
     */
    private static boolean anyList(Client c, int first, int n) {
        for (int i = first; i < first + n; i++) {
            DbEntry e = c.db().lookup(c.arg(i));
            if (e != null && e.value() instanceof ListValue) return true;
        }
        return false;
    }

    private static byte[][] keys(Client c, int first, int n) {
        return Arrays.copyOfRange(c.argv(), first, first + n);
    }

    // ---- move

    static void lmove(Client c) {
        boolean from = front(c.arg(3));
        boolean to = front(c.arg(4));
        move(c, from, to);
    }

    static void rpoplpush(Client c) { move(c, false, true); }

    static void blmove(Client c) {
        boolean from = front(c.arg(3));
        boolean to = front(c.arg(4));
        blockingMove(c, from, to, BlockedClients.parseTimeoutSeconds(c.arg(5)));
    }

    static void brpoplpush(Client c) {
        blockingMove(c, false, true, BlockedClients.parseTimeoutSeconds(c.arg(3)));
    }

    private static void blockingMove(Client c, boolean from, boolean to, long timeout) {
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null && c.neverBlock()) {
            c.reply().nullBulk(); // MULTI or a script: Redis answers like LMOVE on a missing list
            return;
        }
        if (e == null || (c.serving() && !(e.value() instanceof ListValue))) {
            // Redis replies a null array, not a null bulk, when BLMOVE times out.
            c.block(keys(c, 1, 1), timeout, RespWriter::nullArray);
            return;
        }
        list(e);
        move(c, from, to);
    }

    /** LMOVE / RPOPLPUSH source destination: pops from source, pushes onto destination, replies the element. */
    private static void move(Client c, boolean from, boolean to) {
        Database db = c.db();
        byte[] srcKey = c.arg(1), dstKey = c.arg(2);
        DbEntry se = db.lookup(srcKey);
        if (se == null) {
            c.reply().nullBulk();
            return;
        }
        ListValue src = list(se);
        DbEntry de = db.lookup(dstKey);
        ListValue dst = de == null ? null : list(de);
        byte[] v = src.pop(from);
        boolean created = dst == null;
        if (created) dst = new ListValue();
        // Redis holds an integer element as a number here, and its size check skips numbers.
        dst.beforeGrowing(fill(c), ListValue.isInteger(v) ? 0 : v.length, 1);
        dst.push(v, to);
        // Destination first: with source == destination the list is never empty here.
        if (created) db.add(dstKey, dst); else db.touched(de);
        // Redis counts one change for the whole move: the push records none.
        removed(c, se, src, 0);
        c.reply().bulk(v);
    }
}
