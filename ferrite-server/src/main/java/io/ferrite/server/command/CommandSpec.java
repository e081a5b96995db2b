package io.ferrite.server.command;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import io.ferrite.server.exec.Counter;
import io.ferrite.server.exec.CounterBlock;
import io.ferrite.server.exec.LatencyHistogram;

/**
 * One entry of the command table: what Redis keeps in struct redisCommand. Arity counts the
 * command name and is exact when positive, a minimum when negative (INCR is 2, DEL is -2).
 * Keys are at argument positions firstKey..lastKey (negative lastKey counts from the end)
 * every keyStep; firstKey 0 means no keys. A container (CONFIG, CLIENT, ...) has subcommands
 * and no handler of its own.
 */
public final class CommandSpec {
    final String name;       // lower case, "get" or "get" for a subcommand of "config"
    final String fullName;   // "get", or "config|get"
    final int arity;
    final long flags;
    final long aclCategories;
    final int firstKey, lastKey, keyStep;
    final CommandHandler handler;
    final String group;
    final String summary;
    final Map<String, CommandSpec> subcommands;
    final CommandSpec parent;
    // Set by the table builder, never after the table is built (hence not final): the Redis 7
    // key-spec flags of the key range when the command flags do not imply them (SORT writes but
    // only reads its range key), key specs Ferrite cannot express as a range, and the function
    // that finds the keys where the range cannot (Redis's getkeys_proc).
    List<String> rangeKeyFlags;
    List<UnknownKeySpec> unknownKeySpecs = List.of();
    KeyFinder keyFinder;

    // INFO commandstats. calls and microseconds move on every command: counters of the server's
    // block (bound when the table is built; see countInto), cells per command thread.
    private static final CounterBlock UNBOUND = new CounterBlock();
    Counter calls = UNBOUND.counter();
    Counter microseconds = UNBOUND.counter();
    LatencyHistogram latency = new LatencyHistogram(UNBOUND); // INFO latencystats, LATENCY HISTOGRAM
    final LongAdder rejectedCalls = new LongAdder();
    final LongAdder failedCalls = new LongAdder();

    CommandSpec(String name, CommandSpec parent, int arity, long flags, long acl, int firstKey, int lastKey,
                int keyStep, CommandHandler handler, String group, String summary, boolean container) {
        this.name = name;
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.arity = arity;
        this.flags = flags;
        this.aclCategories = acl | AclCategories.implied(flags);
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.handler = handler;
        this.group = group;
        this.summary = summary;
        this.subcommands = container ? new LinkedHashMap<>() : null;
    }

    public String name() { return name; }
    public String fullName() { return fullName; }
    public int arity() { return arity; }
    /** Counts a call refused before it ran (a script's redis.call refused by the scripting rules). */
    public void countRejected() { rejectedCalls.increment(); }
    public long flags() { return flags; }
    public boolean has(long flag) { return (flags & flag) != 0; }
    public long aclCategories() { return aclCategories; }
    public int firstKey() { return firstKey; }
    public int lastKey() { return lastKey; }
    public int keyStep() { return keyStep; }
    public String group() { return group; }
    public String summary() { return summary; }
    public CommandSpec parent() { return parent; }
    public boolean isContainer() { return subcommands != null; }
    /** The key-spec flags of the key range set by the table, or null when the command flags imply them. */
    public List<String> rangeKeyFlags() { return rangeKeyFlags; }
    /** Key specs reported after the range's, whose keys only the command itself finds. */
    public List<UnknownKeySpec> unknownKeySpecs() { return unknownKeySpecs; }
    /** Finds the keys of a call when the range alone does not (SORT ... STORE), or null. */
    public KeyFinder keyFinder() { return keyFinder; }
    public Map<String, CommandSpec> subcommands() {
        return subcommands == null ? Map.of() : Collections.unmodifiableMap(subcommands);
    }

    public boolean arityOk(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    public long calls() { return calls.sum(); }
    public long microseconds() { return microseconds.sum(); }
    public long rejectedCalls() { return rejectedCalls.sum(); }
    public long failedCalls() { return failedCalls.sum(); }

    /** Counts this command's calls and time in block (one server's counters). */
    void countInto(CounterBlock block) {
        calls = block.counter();
        microseconds = block.counter();
        latency = new LatencyHistogram(block);
    }

    /** Calls per latency bucket since the last reset (see {@link LatencyHistogram}). */
    public long[] latencyCounts() { return latency.counts(); }

    public void resetStats() {
        calls.reset();
        microseconds.reset();
        latency.reset();
        rejectedCalls.reset();
        failedCalls.reset();
    }

    /** The key positions for a call with argc arguments, as (first, last, step); last inclusive. */
    public int lastKeyIndex(int argc) {
        return lastKey >= 0 ? Math.min(lastKey, argc - 1) : argc + lastKey;
    }
}
