package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw reply shapes after HELLO 3 (and a few in RESP2 for contrast): scores are RESP3 doubles,
 * WITHSCORES replies are arrays of [member, score] pairs where Redis 7.2 nests them.
 */
class SortedSetResp3Test {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection raw, String... args) throws Exception {
        raw.command(args);
        return raw.readReply();
    }

    private static RawConnection resp3() throws Exception {
        RawConnection raw = new RawConnection(ferrite.port());
        call(raw, "HELLO", "3");
        call(raw, "ZADD", "z", "1", "a", "2.5", "b", "3", "c");
        return raw;
    }

    @Test
    void scoresAreDoubles() throws Exception {
        try (RawConnection raw = resp3()) {
            assertThat(call(raw, "ZSCORE", "z", "b")).isEqualTo(",2.5\r\n");
            assertThat(call(raw, "ZSCORE", "z", "nope")).isEqualTo("_\r\n");
            assertThat(call(raw, "ZMSCORE", "z", "a", "nope")).isEqualTo("*2\r\n,1\r\n_\r\n");
            assertThat(call(raw, "ZINCRBY", "z", "1", "a")).isEqualTo(",2\r\n");
            assertThat(call(raw, "ZADD", "z", "INCR", "-1", "a")).isEqualTo(",1\r\n");
            assertThat(call(raw, "ZADD", "z", "INCR", "NX", "1", "a")).isEqualTo("_\r\n");
            assertThat(call(raw, "ZINCRBY", "z", "+inf", "q")).isEqualTo(",inf\r\n");
        }
    }

    @Test
    void withScoresRepliesNestPairs() throws Exception {
        try (RawConnection raw = resp3()) {
            String pairs = "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,3\r\n";
            assertThat(call(raw, "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZUNION", "1", "z", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZINTER", "1", "z", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZDIFF", "1", "z", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZRANDMEMBER", "z", "10", "WITHSCORES")).isEqualTo(pairs);
            assertThat(call(raw, "ZREVRANGE", "z", "0", "0", "WITHSCORES")).isEqualTo("*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
            assertThat(call(raw, "ZRANGE", "z", "0", "-1")).isEqualTo("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
            assertThat(call(raw, "ZRANK", "z", "b", "WITHSCORE")).isEqualTo("*2\r\n:1\r\n,2.5\r\n");
            assertThat(call(raw, "ZRANK", "z", "nope", "WITHSCORE")).isEqualTo("_\r\n");
            assertThat(call(raw, "ZRANK", "z", "nope")).isEqualTo("_\r\n");
            // ZSCAN is a generic scan reply: everything is a bulk string, in RESP3 too.
            assertThat(call(raw, "ZSCAN", "z", "0", "MATCH", "b"))
                    .isEqualTo("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
        }
    }

    @Test
    void popsAreFlatForOneElementAndNestedWithCount() throws Exception {
        try (RawConnection raw = resp3()) {
            assertThat(call(raw, "ZPOPMIN", "z")).isEqualTo("*2\r\n$1\r\na\r\n,1\r\n");
            assertThat(call(raw, "ZPOPMAX", "z", "1")).isEqualTo("*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
            assertThat(call(raw, "ZMPOP", "1", "z", "MIN")).isEqualTo("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n");
            assertThat(call(raw, "ZMPOP", "1", "z", "MIN")).isEqualTo("_\r\n");
            assertThat(call(raw, "ZPOPMIN", "z")).isEqualTo("*0\r\n");
            call(raw, "ZADD", "z", "7", "k");
            assertThat(call(raw, "BZPOPMIN", "z", "0")).isEqualTo("*3\r\n$1\r\nz\r\n$1\r\nk\r\n,7\r\n");
        }
    }

    @Test
    void resp2SendsScoresAsBulkStringsAndFlatPairs() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            call(raw, "ZADD", "z", "1", "a", "2.5", "b");
            assertThat(call(raw, "ZSCORE", "z", "b")).isEqualTo("$3\r\n2.5\r\n");
            assertThat(call(raw, "ZSCORE", "z", "nope")).isEqualTo("$-1\r\n");
            assertThat(call(raw, "ZRANK", "z", "nope", "WITHSCORE")).isEqualTo("*-1\r\n");
            assertThat(call(raw, "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
            assertThat(call(raw, "ZPOPMAX", "z", "1")).isEqualTo("*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n");
            assertThat(call(raw, "ZMPOP", "1", "nope", "MIN")).isEqualTo("*-1\r\n");
            assertThat(call(raw, "ZRANDMEMBER", "nope")).isEqualTo("$-1\r\n");
            assertThat(call(raw, "ZRANDMEMBER", "nope", "1")).isEqualTo("*0\r\n");
        }
    }
}
