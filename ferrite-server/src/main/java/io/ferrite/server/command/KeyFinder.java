package io.ferrite.server.command;

import java.util.List;

/**
 * Finds the keys of one call of a command whose key range does not cover them all (Redis's
 * getkeys_proc, e.g. sortGetKeys for SORT ... STORE). Used by COMMAND GETKEYS and
 * GETKEYSANDFLAGS only: such commands lock every shard, so the dispatcher needs no key list.
 */
@FunctionalInterface
public interface KeyFinder {
    /** The keys of argv[0..argc) (argv[0] is the command name) in order, with their key-spec flags. */
    List<Key> keys(byte[][] argv, int argc);

    /** A key at argument position {@code position} with its flags ("RO", "access" ...). */
    record Key(int position, List<String> flags) {}
}
