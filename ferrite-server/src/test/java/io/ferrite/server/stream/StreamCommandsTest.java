package io.ferrite.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stream commands over a socket; replies compared in {@link Resp}'s notation. */
class StreamCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static Resp resp() throws Exception { return new Resp(ferrite.port()); }

    @Test
    void xaddExplicitAndStarSequenceIds() throws Exception {
        try (Resp r = resp()) {
            assertThat(r.call("XADD", "s", "1-1", "a", "1")).isEqualTo("1-1");
            assertThat(r.call("XADD", "s", "1-*", "a", "2")).isEqualTo("1-2");
            assertThat(r.call("XADD", "s", "2-*", "a", "3")).isEqualTo("2-0");
            assertThat(r.call("XLEN", "s")).isEqualTo(":3");
        }
    }

    @Test
    void xaddIdsNeverGoBackwardsWhenTheClockIsBehind() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-1", "a", "1");
            long future = System.currentTimeMillis() + 3_600_000;
            assertThat(r.call("XSETID", "s", future + "-5")).isEqualTo("OK");
            assertThat(r.call("XADD", "s", "*", "a", "1")).isEqualTo(future + "-6");
        }
    }

    @Test
    void xaddIdErrorsHaveRedisTexts() throws Exception {
        try (Resp r = resp()) {
            assertThat(r.call("XADD", "s", "0-0", "a", "1")).isEqualTo("-ERR The ID specified in XADD must be greater than 0-0");
            assertThat(r.call("EXISTS", "s")).isEqualTo(":0");
            r.call("XADD", "s", "5-5", "a", "1");
            assertThat(r.call("XADD", "s", "5-5", "a", "1"))
                    .isEqualTo("-ERR The ID specified in XADD is equal or smaller than the target stream top item");
            assertThat(r.call("XADD", "s", "4-*", "a", "1"))
                    .isEqualTo("-ERR The ID specified in XADD is equal or smaller than the target stream top item");
            assertThat(r.call("XADD", "s", "x-1", "a", "1"))
                    .isEqualTo("-ERR Invalid stream ID specified as stream command argument");
            assertThat(r.call("XADD", "s", "*", "a")).isEqualTo("-ERR wrong number of arguments for 'xadd' command");
            assertThat(r.call("XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "a", "1"))
                    .isEqualTo("-ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
            assertThat(r.call("XADD", "s", "MAXLEN", "1", "LIMIT", "1", "*", "a", "1"))
                    .isEqualTo("-ERR syntax error, LIMIT cannot be used without the special ~ option");
            r.call("XSETID", "s", "18446744073709551615-18446744073709551615");
            assertThat(r.call("XADD", "s", "*", "a", "1"))
                    .isEqualTo("-ERR The stream has exhausted the last possible ID, unable to add more items");
        }
    }

    @Test
    void xaddNomkstreamOnMissingKeyRepliesNil() throws Exception {
        try (Resp r = resp()) {
            assertThat(r.call("XADD", "s", "NOMKSTREAM", "*", "a", "1")).isEqualTo("nil");
            assertThat(r.call("EXISTS", "s")).isEqualTo(":0");
        }
    }

    @Test
    void xrangeHandlesExclusiveIncompleteIdsAndCount() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1");
            r.call("XADD", "s", "1-1", "b", "2");
            r.call("XADD", "s", "2-0", "a", "3");
            assertThat(r.call("XRANGE", "s", "(1-0", "+")).isEqualTo("[[1-1, [b, 2]], [2-0, [a, 3]]]");
            assertThat(r.call("XRANGE", "s", "1", "1")).isEqualTo("[[1-0, [a, 1]], [1-1, [b, 2]]]");
            assertThat(r.call("XREVRANGE", "s", "+", "-", "COUNT", "1")).isEqualTo("[[2-0, [a, 3]]]");
            assertThat(r.call("XRANGE", "s", "-", "+", "COUNT", "0")).isEqualTo("nil");
            assertThat(r.call("XRANGE", "missing", "-", "+")).isEqualTo("[]");
            assertThat(r.call("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"))
                    .isEqualTo("-ERR invalid start ID for the interval");
        }
    }

    @Test
    void xdelTombstonesAndTracksMaxDeletedId() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1");
            r.call("XADD", "s", "2-0", "a", "2");
            assertThat(r.call("XDEL", "s", "1-0", "9-0")).isEqualTo(":1");
            assertThat(r.call("XRANGE", "s", "-", "+")).isEqualTo("[[2-0, [a, 2]]]");
            assertThat(r.call("XINFO", "STREAM", "s")).contains("max-deleted-entry-id, 1-0", "recorded-first-entry-id, 2-0");
            assertThat(r.call("XDEL", "s", "2-0")).isEqualTo(":1");
            assertThat(r.call("XLEN", "s")).isEqualTo(":0");
            assertThat(r.call("TYPE", "s")).isEqualTo("stream"); // an emptied stream stays
        }
    }

    @Test
    void approximateTrimRemovesWholeBlocksOnly() throws Exception {
        try (Resp r = resp()) {
            for (int i = 1; i <= 250; i++) r.call("XADD", "s", i + "-0", "f", "v");
            assertThat(r.call("XTRIM", "s", "MAXLEN", "~", "10")).isEqualTo(":200");
            assertThat(r.call("XLEN", "s")).isEqualTo(":50");
            assertThat(r.call("XTRIM", "s", "MAXLEN", "10")).isEqualTo(":40");
            assertThat(r.call("XRANGE", "s", "-", "+", "COUNT", "1")).isEqualTo("[[241-0, [f, v]]]");
            assertThat(r.call("XTRIM", "s", "MINID", "245")).isEqualTo(":4");
            assertThat(r.call("XTRIM", "s", "LIMIT", "1", "MAXLEN", "1"))
                    .isEqualTo("-ERR syntax error, LIMIT cannot be used without the special ~ option");
        }
    }

    @Test
    void entriesWithOtherFieldsThanTheMasterRoundTrip() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1", "b", "2");
            r.call("XADD", "s", "2-0", "x", "", "y", "long value here");
            r.call("XADD", "s", "3-0", "a", "3", "b", "4");
            assertThat(r.call("XRANGE", "s", "-", "+"))
                    .isEqualTo("[[1-0, [a, 1, b, 2]], [2-0, [x, , y, long value here]], [3-0, [a, 3, b, 4]]]");
            assertThat(r.call("XREVRANGE", "s", "+", "-"))
                    .isEqualTo("[[3-0, [a, 3, b, 4]], [2-0, [x, , y, long value here]], [1-0, [a, 1, b, 2]]]");
        }
    }

    @Test
    void xreadRepliesArrayInResp2AndMapInResp3() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1");
            assertThat(r.call("XREAD", "STREAMS", "s", "0")).isEqualTo("[[s, [[1-0, [a, 1]]]]]");
            assertThat(r.call("XREAD", "STREAMS", "s", "$")).isEqualTo("nil");
            r.call("HELLO", "3");
            assertThat(r.call("XREAD", "STREAMS", "s", "0")).isEqualTo("%{s=[[1-0, [a, 1]]]}");
            assertThat(r.call("XREAD", "STREAMS", "s", "1-0")).isEqualTo("nil");
        }
    }

    @Test
    void xreadgroupErrors() throws Exception {
        try (Resp r = resp()) {
            assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"))
                    .isEqualTo("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option");
            r.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            assertThat(r.call("XGROUP", "CREATE", "s", "g", "$")).isEqualTo("-BUSYGROUP Consumer Group name already exists");
            assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$")).startsWith("-ERR The $ ID is meaningless");
            assertThat(r.call("XREAD", "STREAMS", "s", ">")).startsWith("-ERR The > ID can be specified only");
            assertThat(r.call("XREAD", "COUNT", "1", "STREAMS", "s")).isEqualTo(
                    "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.");
            assertThat(r.call("XGROUP", "CREATE", "nokey", "g", "$")).startsWith("-ERR The XGROUP subcommand requires the key to exist");
            assertThat(r.call("XGROUP", "SETID", "s", "nog", "0"))
                    .isEqualTo("-NOGROUP No such consumer group 'nog' for key name 's'");
        }
    }

    @Test
    void historyReadReturnsNilForEntriesDeletedWhilePending() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1");
            r.call("XADD", "s", "2-0", "b", "2");
            r.call("XGROUP", "CREATE", "s", "g", "0");
            assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"))
                    .isEqualTo("[[s, [[1-0, [a, 1]], [2-0, [b, 2]]]]]");
            r.call("XDEL", "s", "1-0");
            assertThat(r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"))
                    .isEqualTo("[[s, [[1-0, nil], [2-0, [b, 2]]]]]");
            assertThat(r.call("XREADGROUP", "GROUP", "g", "other", "BLOCK", "100", "STREAMS", "s", "0"))
                    .isEqualTo("[[s, []]]"); // history reads never block
        }
    }

    @Test
    void xpendingSummaryAndExtendedForms() throws Exception {
        try (Resp r = resp()) {
            r.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            assertThat(r.call("XPENDING", "s", "g")).isEqualTo("[:0, nil, nil, nil]");
            r.call("XADD", "s", "1-0", "a", "1");
            r.call("XADD", "s", "2-0", "a", "2");
            r.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">");
            r.call("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">");
            // the per-consumer count is a bulk string, as in Redis
            assertThat(r.call("XPENDING", "s", "g")).isEqualTo("[:2, 1-0, 2-0, [[alice, 1], [bob, 1]]]");
            String ext = r.call("XPENDING", "s", "g", "-", "+", "10", "bob");
            assertThat(ext).startsWith("[[2-0, bob, :").endsWith(", :1]]");
            assertThat(r.call("XPENDING", "s", "g", "-", "+", "10", "nobody")).isEqualTo("[]");
            assertThat(r.call("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10")).isEqualTo("[]");
            assertThat(r.call("XPENDING", "s", "nog")).isEqualTo("-NOGROUP No such key 's' or consumer group 'nog'");
            assertThat(r.call("XACK", "s", "g", "1-0", "1-0", "9-0")).isEqualTo(":1");
        }
    }

    @Test
    void xclaimMovesOwnershipAndDropsDeletedEntries() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "a", "1");
            r.call("XADD", "s", "2-0", "a", "2");
            r.call("XGROUP", "CREATE", "s", "g", "0");
            r.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
            r.call("XDEL", "s", "2-0");
            assertThat(r.call("XCLAIM", "s", "g", "bob", "0", "1-0", "2-0")).isEqualTo("[[1-0, [a, 1]]]");
            assertThat(r.call("XPENDING", "s", "g")).isEqualTo("[:1, 1-0, 1-0, [[bob, 1]]]");
            assertThat(r.call("XPENDING", "s", "g", "-", "+", "10")).endsWith(", :2]]");
            assertThat(r.call("XCLAIM", "s", "g", "carol", "0", "1-0", "JUSTID", "RETRYCOUNT", "7")).isEqualTo("[1-0]");
            assertThat(r.call("XPENDING", "s", "g", "-", "+", "10")).endsWith(", :7]]");
            assertThat(r.call("XCLAIM", "s", "g", "carol", "0", "1-0", "BAD")).isEqualTo("-ERR Unrecognized XCLAIM option 'BAD'");
            assertThat(r.call("XCLAIM", "s", "g", "carol", "3600000", "1-0")).isEqualTo("[]");
        }
    }

    @Test
    void xautoclaimRepliesCursorClaimedAndDeletedIds() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "5-0", "f", "v");
            r.call("XADD", "s", "5-1", "f", "v");
            r.call("XGROUP", "CREATE", "s", "g", "0");
            r.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
            r.call("XDEL", "s", "5-0");
            assertThat(r.call("XAUTOCLAIM", "s", "g", "bob", "0", "0")).isEqualTo("[0-0, [[5-1, [f, v]]], [5-0]]");
            assertThat(r.call("XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "0")).isEqualTo("-ERR COUNT must be > 0");
        }
    }

    @Test
    void xinfoGroupsReportsEntriesReadAndLag() throws Exception {
        try (Resp r = resp()) {
            for (int i = 1; i <= 5; i++) r.call("XADD", "s", i + "-0", "f", "v");
            r.call("XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0");
            r.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">");
            assertThat(r.call("XINFO", "GROUPS", "s"))
                    .isEqualTo("[[name, g, consumers, :1, pending, :2, last-delivered-id, 2-0, entries-read, :2, lag, :3]]");
            assertThat(r.call("XINFO", "CONSUMERS", "s", "g")).startsWith("[[name, c, pending, :2, idle, :");
            assertThat(r.call("XINFO", "STREAM", "s", "FULL")).contains("pel-count, :2");
        }
    }

    @Test
    void xgroupSubcommandsReplyLikeRedis() throws Exception {
        try (Resp r = resp()) {
            r.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            assertThat(r.call("XGROUP", "CREATECONSUMER", "s", "g", "c")).isEqualTo(":1");
            assertThat(r.call("XGROUP", "CREATECONSUMER", "s", "g", "c")).isEqualTo(":0");
            r.call("XADD", "s", "1-0", "f", "v");
            r.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
            assertThat(r.call("XGROUP", "DELCONSUMER", "s", "g", "c")).isEqualTo(":1");
            assertThat(r.call("XPENDING", "s", "g")).isEqualTo("[:0, nil, nil, nil]");
            assertThat(r.call("XGROUP", "SETID", "s", "g", "0")).isEqualTo("OK");
            assertThat(r.call("XGROUP", "DESTROY", "s", "g")).isEqualTo(":1");
            assertThat(r.call("XGROUP", "DESTROY", "s", "g")).isEqualTo(":0");
        }
    }

    @Test
    void streamsAreOrdinaryKeys() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "f", "v");
            assertThat(r.call("TYPE", "s")).isEqualTo("stream");
            assertThat(r.call("OBJECT", "ENCODING", "s")).isEqualTo("stream");
            assertThat(r.call("EXPIRE", "s", "86400")).isEqualTo(":1");
            assertThat(r.call("TTL", "s")).isEqualTo(":86400");
            assertThat(r.call("XADD", "s", "2-0", "f", "v")).isEqualTo("2-0");
            assertThat(r.call("TTL", "s")).isEqualTo(":86400");
            assertThat(r.call("RENAME", "s", "t")).isEqualTo("OK");
            assertThat(r.call("SCAN", "0", "TYPE", "stream")).isEqualTo("[0, [t]]");
            assertThat(r.call("COPY", "t", "u")).isEqualTo(":1");
            r.call("XADD", "u", "3-0", "f", "v");
            assertThat(r.call("XLEN", "t")).isEqualTo(":2");
            assertThat(r.call("XLEN", "u")).isEqualTo(":3");
            r.call("SET", "str", "x");
            assertThat(r.call("XADD", "str", "*", "f", "v")).startsWith("-WRONGTYPE");
        }
    }

    @Test
    void xackdelAndXdelexFollowTheReferencePolicy() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "f", "v");
            r.call("XADD", "s", "2-0", "f", "v");
            r.call("XGROUP", "CREATE", "s", "g1", "0");
            r.call("XGROUP", "CREATE", "s", "g2", "0");
            r.call("XREADGROUP", "GROUP", "g1", "c", "STREAMS", "s", ">");
            // g2 has not read 1-0 yet: ACKED keeps it
            assertThat(r.call("XACKDEL", "s", "g1", "ACKED", "IDS", "1", "1-0")).isEqualTo("[:2]");
            assertThat(r.call("XLEN", "s")).isEqualTo(":2");
            assertThat(r.call("XDELEX", "s", "ACKED", "IDS", "2", "1-0", "9-0")).isEqualTo("[:2, :-1]");
            r.call("XREADGROUP", "GROUP", "g2", "c", "STREAMS", "s", ">");
            assertThat(r.call("XACKDEL", "s", "g2", "ACKED", "IDS", "1", "1-0")).isEqualTo("[:1]");
            assertThat(r.call("XDELEX", "s", "DELREF", "IDS", "1", "2-0")).isEqualTo("[:1]");
            assertThat(r.call("XPENDING", "s", "g1")).isEqualTo("[:0, nil, nil, nil]");
            assertThat(r.call("XDELEX", "s", "IDS", "2", "1-0")).isEqualTo("-ERR The `numids` parameter must match the number of arguments");
        }
    }

    @Test
    void xreadgroupClaimDeliversIdlePendingEntriesFirst() throws Exception {
        try (Resp r = resp()) {
            r.call("XADD", "s", "1-0", "f", "a");
            r.call("XGROUP", "CREATE", "s", "g", "0");
            r.call("XREADGROUP", "GROUP", "g", "dead", "STREAMS", "s", ">");
            r.call("XADD", "s", "2-0", "f", "b");
            Thread.sleep(30);
            String got = r.call("XREADGROUP", "GROUP", "g", "live", "CLAIM", "20", "STREAMS", "s", ">");
            assertThat(got).startsWith("[[s, [[1-0, [f, a], :").endsWith(", :1], [2-0, [f, b], :0, :1]]]]");
            assertThat(r.call("XPENDING", "s", "g")).isEqualTo("[:2, 1-0, 2-0, [[live, 2]]]");
        }
    }
}
