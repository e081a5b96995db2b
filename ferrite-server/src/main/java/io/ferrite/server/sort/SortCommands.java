package io.ferrite.server.sort;

import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.KeyFinder;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.list.ListValue;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.set.SetValue;
import io.ferrite.server.zset.SortedSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (Redis 7.2 sort.c, group "generic").
 * Spec: https://redis.io/docs/latest/commands/sort/ and https://redis.io/docs/latest/commands/sort_ro/
 *
 * <pre>SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC | DESC] [ALPHA] [STORE destination]</pre>
 *
 * <p>Locking: BY and GET patterns ({@link SortPattern}) name keys built from the sorted
 * elements, which no key spec can list before the command runs, so both commands lock every
 * shard (lock_all), as KEYS does. COMMAND INFO shows Redis's three key specs (the sorted key,
 * BY/GET keys of unknown position, the STORE key of unknown position) and COMMAND GETKEYS finds
 * the STORE key the way sortGetKeys does.
 *
 * <p>A call runs as sortCommandGeneric does:
 * <ol>
 *   <li>Options are read left to right; a repeated option overrides, GETs accumulate. A BY
 *       pattern without {@code *} ("nosort", but also "#") means "do not sort", and stays meant
 *       even if a later BY has a {@code *} (Redis never clears that flag). SORT_RO knows no
 *       STORE: a syntax error.</li>
 *   <li>The key holds a list, a set or a sorted set (missing: empty), else WRONGTYPE.</li>
 *   <li>Not sorting keeps a list's or sorted set's own order (DESC walks it backwards, LIMIT
 *       counts in it). A set has no order of its own, so with STORE or from a script it is
 *       sorted ALPHA anyway (as Redis does for replication and scripts).</li>
 *   <li>Weights: the element or its BY value read as C's strtod reads it (a missing BY key
 *       weighs 0; a value that does not parse fails the whole command, after sorting, with
 *       "One or more scores can't be converted into double"); ties go to the element bytes.
 *       ALPHA compares bytes instead: Redis uses strcoll, which in the C locale is strcmp, so
 *       the comparison stops at a NUL byte; with STORE it compares whole strings (memcmp).
 *       ALPHA BY puts elements without a BY value first.</li>
 *   <li>LIMIT offset count is clamped to the input; a negative count means "to the end".</li>
 *   <li>Output: the elements, or per element one value per GET pattern (nil when missing).
 *       STORE writes them as a list (missing values as empty strings), replacing the
 *       destination and its TTL, deletes the destination when the result is empty, and
 *       replies the count.</li>
 * </ol>
 *
 * <p>Where we differ: equal weights keep the input order (a stable sort); Redis's qsort and its
 * partial pqsort for BY with LIMIT leave the order of equal ALPHA BY weights unspecified. The
 * cluster-mode and ACL refusals of BY and GET do not apply (Ferrite has neither).
 */
public final class SortCommands {
    private SortCommands() {}

    static final CommandError NOT_DOUBLE = new CommandError("ERR One or more scores can't be converted into double");
    private static final String BY_GET_NOTES = "For the optional BY/GET keyword. It is marked 'unknown' because "
            + "the key names derive from the content of the key we sort";
    private static final String STORE_NOTES = "For the optional STORE keyword. It is marked 'unknown' because the "
            + "keyword can appear anywhere in the argument array";
    private static final List<String> READ_KEY = List.of("RO", "access");
    private static final List<String> STORE_KEY = List.of("OW", "update");
    private static final byte[] EMPTY = new byte[0];

    public static void register(CommandTable.Builder t) {
        t.add("sort", -2, "write denyoom movablekeys lock_all", "@set @sortedset @list @dangerous", 1, 1, 1,
                        SortCommands::sort,
                        "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
                .rangeKeyFlags("RO access")
                .unknownKeySpec("RO access", BY_GET_NOTES)
                .unknownKeySpec("OW update", STORE_NOTES)
                .keyFinder(SortCommands::sortKeys);
        t.add("sort_ro", -2, "readonly movablekeys lock_all", "@set @sortedset @list @dangerous", 1, 1, 1,
                        SortCommands::sortRo, "Returns the sorted elements of a list, a set, or a sorted set.")
                .unknownKeySpec("RO access", BY_GET_NOTES);
    }

    static void sort(Client c) { sortGeneric(c, false); }

    static void sortRo(Client c) { sortGeneric(c, true); }

    /** One element being sorted: its weight is a number, or for ALPHA BY the BY value (null when missing). */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] weight;

        Item(byte[] element) { this.element = element; }
    }

    private static void sortGeneric(Client c, boolean readonly) {
        int argc = c.argc();
        boolean desc = false, alpha = false, dontSort = false;
        long limitStart = 0, limitCount = -1;
        SortPattern by = null;
        byte[] storeKey = null;
        List<SortPattern> gets = new ArrayList<>();
        for (int j = 2; j < argc; j++) {
            byte[] opt = c.arg(j);
            int left = argc - j - 1;
            if (is(opt, "asc")) {
                desc = false;
            } else if (is(opt, "desc")) {
                desc = true;
            } else if (is(opt, "alpha")) {
                alpha = true;
            } else if (is(opt, "limit") && left >= 2) {
                limitStart = Numbers.parseLong(c.arg(j + 1));
                limitCount = Numbers.parseLong(c.arg(j + 2));
                j += 2;
            } else if (!readonly && is(opt, "store") && left >= 1) {
                storeKey = c.arg(++j);
            } else if (is(opt, "by") && left >= 1) {
                by = SortPattern.parse(c.arg(++j));
                if (!by.sorts()) dontSort = true;
            } else if (is(opt, "get") && left >= 1) {
                gets.add(SortPattern.parse(c.arg(++j)));
            } else {
                throw CommandError.SYNTAX;
            }
        }

        Database db = c.db();
        DbEntry e = db.lookupRead(c.arg(1));
        Object input = e == null ? null : e.value();
        if (input != null && !(input instanceof ListValue || input instanceof SetValue || input instanceof SortedSet)) {
            throw CommandError.WRONGTYPE;
        }
        // A stored set has to come out the same on a replica, and a script's result must not
        // depend on set order: sort it by its bytes (sortCommandGeneric, 7.2).
        if (dontSort && input instanceof SetValue && (storeKey != null || c.inScript())) {
            dontSort = false;
            alpha = true;
            by = null;
        }
        // Redis converts the sorted set it reads, for good (zsetConvert in sortCommandGeneric).
        if (input instanceof SortedSet z) z.convertToSkiplist();

        long size = switch (input) {
            case null -> 0;
            case ListValue l -> l.size();
            case SetValue s -> s.size();
            case SortedSet z -> z.size();
            default -> throw new IllegalStateException();
        };
        long start = Math.min(Math.max(limitStart, 0), size);
        long count = Math.min(Math.max(limitCount, -1), size);
        long end = count < 0 ? size - 1 : start + count - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) end = size - 1;

        // Lists and sorted sets not being sorted load only the range LIMIT asks for.
        boolean ordered = input instanceof ListValue || input instanceof SortedSet;
        int vectorLen = (int) (ordered && dontSort && (start != 0 || end != size - 1) ? end - start + 1 : size);
        Item[] items = new Item[vectorLen];
        int[] n = {0};
        if (input instanceof ListValue l && dontSort) {
            if (end >= start) {
                ListValue.Cursor it = l.cursor(desc ? size - start - 1 : start, desc);
                while (n[0] < vectorLen && it.hasNext()) items[n[0]++] = new Item(it.next());
                end -= start;
                start = 0;
            }
        } else if (input instanceof ListValue l) {
            if (size > 0) {
                ListValue.Cursor it = l.cursor(0, false);
                while (it.hasNext()) items[n[0]++] = new Item(it.next());
            }
        } else if (input instanceof SetValue s) {
            s.forEach((b, off, len) -> items[n[0]++] = new Item(Arrays.copyOfRange(b, off, off + len)));
        } else if (input instanceof SortedSet z && dontSort) {
            if (vectorLen > 0) {
                long first = desc ? size - start - vectorLen : start;
                z.forEach(first, first + vectorLen - 1, desc, (m, score) -> items[n[0]++] = new Item(m));
            }
            end -= start;
            start = 0;
        } else if (input instanceof SortedSet z) {
            z.forEach((m, score) -> items[n[0]++] = new Item(m));
        }

        boolean badScore = false;
        if (!dontSort) {
            for (Item it : items) {
                byte[] weight = by == null ? it.element : by.lookup(db, it.element);
                if (weight == null) continue; // no BY value: weight 0, or first for ALPHA
                if (alpha) {
                    if (by != null) it.weight = weight;
                } else {
                    double d = Numbers.strtod(weight);
                    if (Double.isNaN(d)) badScore = true; else it.score = d;
                }
            }
            Arrays.sort(items, comparator(desc, alpha, by != null, storeKey != null));
        }

        long outputLen = (gets.isEmpty() ? 1 : gets.size()) * (end - start + 1);
        if (badScore) throw NOT_DOUBLE;
        if (storeKey == null) {
            RespWriter w = c.reply();
            w.array(outputLen);
            for (long j = start; j <= end; j++) {
                byte[] element = items[(int) j].element;
                if (gets.isEmpty()) w.bulk(element);
                for (SortPattern get : gets) w.bulk(get.lookup(db, element));
            }
            return;
        }
        List<byte[]> result = new ArrayList<>((int) outputLen);
        for (long j = start; j <= end; j++) {
            byte[] element = items[(int) j].element;
            if (gets.isEmpty()) result.add(element);
            for (SortPattern get : gets) {
                byte[] v = get.lookup(db, element);
                // A string value can change in place later (SETRANGE): the list gets its own copy.
                result.add(v == null ? EMPTY : v == element ? v : v.clone());
            }
        }
        if (outputLen > 0) {
            int fill = c.server().config().param("list-max-listpack-size").intValue();
            db.set(storeKey, ListValue.of(result, fill));
            KeyspaceEvents.notify(c, KeyspaceEvents.LIST, "sortstore", storeKey);
            // Redis counts one change per stored element; Database.set counted one.
            db.keyspace().stats().dirty.add(outputLen - 1);
        } else if (db.delete(storeKey)) {
            KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "del", storeKey);
        }
        c.reply().integer(outputLen);
    }

    /** sortCompare: numbers then element bytes, or ALPHA on the BY value or the element; DESC reverses all. */
    private static Comparator<Item> comparator(boolean desc, boolean alpha, boolean byPattern, boolean store) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.element, b.element);
        } else if (byPattern) {
            cmp = (a, b) -> {
                if (a.weight == null || b.weight == null) return a.weight == b.weight ? 0 : a.weight == null ? -1 : 1;
                return store ? Arrays.compareUnsigned(a.weight, b.weight) : compareCStrings(a.weight, b.weight);
            };
        } else {
            cmp = store ? (a, b) -> Arrays.compareUnsigned(a.element, b.element)
                    : (a, b) -> compareCStrings(a.element, b.element);
        }
        return desc ? cmp.reversed() : cmp;
    }

    /** strcmp, which is strcoll in the C locale: unsigned bytes up to the first NUL of either string. */
    static int compareCStrings(byte[] a, byte[] b) {
        for (int i = 0; ; i++) {
            int x = i < a.length ? a[i] & 0xff : 0;
            int y = i < b.length ? b[i] & 0xff : 0;
            if (x != y) return x - y;
            if (x == 0) return 0;
        }
    }

    /**
     * sortGetKeys: the sorted key, and the key after the last STORE. LIMIT skips two
     * arguments, GET and BY one; STORE skips none, as in Redis.
     */
    static List<KeyFinder.Key> sortKeys(byte[][] argv, int argc) {
        List<KeyFinder.Key> keys = new ArrayList<>(2);
        keys.add(new KeyFinder.Key(1, READ_KEY));
        KeyFinder.Key store = null;
        for (int i = 2; i < argc; i++) {
            if (is(argv[i], "limit")) {
                i += 2;
            } else if (is(argv[i], "store") && i + 1 < argc) {
                store = new KeyFinder.Key(i + 1, STORE_KEY);
            } else if (is(argv[i], "get") || is(argv[i], "by")) {
                i += 1;
            }
        }
        if (store != null) keys.add(store);
        return keys;
    }
}
