package io.ferrite.server.collection;

import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.string.StringCommands;

/**
 * The options of HSCAN, SSCAN and ZSCAN: {@code [MATCH pattern] [COUNT count]}, plus
 * {@code NOVALUES} where the command allows it. COUNT is a hint (default 10, at least 1);
 * a MATCH of "*" is no filter.
 */
public record ScanOptions(long count, byte[] pattern, boolean noValues) {

    /** Parses the options starting at argument {@code from}; SYNTAX on anything else. */
    public static ScanOptions parse(Client c, int from, boolean allowNoValues) {
        long count = 10;
        byte[] pattern = null;
        boolean noValues = false;
        for (int i = from; i < c.argc(); i++) {
            boolean hasValue = i + 1 < c.argc();
            if (StringCommands.is(c.arg(i), "count") && hasValue) {
                count = Numbers.parseLong(c.arg(++i));
                if (count < 1) throw CommandError.SYNTAX;
            } else if (StringCommands.is(c.arg(i), "match") && hasValue) {
                pattern = c.arg(++i);
                if (pattern.length == 1 && pattern[0] == '*') pattern = null;
            } else if (allowNoValues && StringCommands.is(c.arg(i), "novalues")) {
                noValues = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return new ScanOptions(count, pattern, noValues);
    }
}
