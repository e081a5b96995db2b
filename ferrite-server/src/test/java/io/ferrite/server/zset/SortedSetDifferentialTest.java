package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The same random sorted-set commands sent to Ferrite and to a real redis-server must get the
 * same replies: writes that move members across the ordered structure (ZADD with every flag,
 * ZINCRBY, ZREM, rank/score/lex range removals, pops) interleaved with the reads that depend on
 * order and rank. Sets grow past the listpack limit, so the big encoding (the B+-tree of ADR 0006)
 * does most of the work; scores are drawn from a small range so that ties, ordered by member,
 * are common.
 */
class SortedSetDifferentialTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final String[] KEYS = {"zs:a", "zs:b"};
    private static final String LEX = "zs:lex"; // all scores 0: lex ranges are defined only there

    @Test
    void randomCommandsGetRedissReplies() {
        try (Jedis f = ferrite.jedis(); Jedis r = redis.jedis()) {
            // A low listpack limit: sets convert early and live mostly in the big encoding, even
            // after the range removals below have cut them down.
            for (Jedis j : new Jedis[] {f, r}) j.configSet("zset-max-listpack-entries", "16");
            for (long seed = 1; seed <= 3; seed++) {
                Random rnd = new Random(seed);
                for (int op = 0; op < 4000; op++) {
                    List<String> cmd = randomCommand(rnd);
                    Object fr = send(f, cmd), rr = send(r, cmd);
                    assertThat(fr).as("seed %d op %d: %s", seed, op, cmd).isEqualTo(rr);
                }
                for (String k : new String[] {KEYS[0], KEYS[1], LEX}) {
                    assertThat(f.objectEncoding(k)).as("%s is in the big encoding", k).isEqualTo("skiplist");
                    assertThat(f.zcard(k)).as("%s is big", k).isGreaterThan(100);
                }
                for (String k : new String[] {KEYS[0], KEYS[1], LEX}) {
                    List<String> all = List.of("ZRANGE", k, "0", "-1", "WITHSCORES");
                    assertThat(send(f, all)).as("final %s, seed %d", k, seed).isEqualTo(send(r, all));
                }
            }
        }
    }

    private static String member(Random rnd) {
        return "m" + rnd.nextInt(700);
    }

    private static String score(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> "+inf";
            case 1 -> "-inf";
            // Quarters: fractional, yet printed alike by Redis 7.0 (%.17g) and 7.2 (shortest form).
            case 2 -> Double.toString((rnd.nextInt(400) - 200) / 4.0);
            default -> Integer.toString(rnd.nextInt(60) - 10);
        };
    }

    private static String bound(Random rnd) {
        String s = score(rnd);
        return rnd.nextInt(4) == 0 && !s.endsWith("inf") ? "(" + s : s;
    }

    private static String lexBound(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> "-";
            case 1 -> "+";
            default -> (rnd.nextBoolean() ? "[" : "(") + member(rnd);
        };
    }

    private static String rank(Random rnd) {
        return Integer.toString(rnd.nextInt(900) - 450);
    }

    private static List<String> randomCommand(Random rnd) {
        String k = KEYS[rnd.nextInt(KEYS.length)];
        List<String> c = new ArrayList<>();
        int kind = rnd.nextInt(100);
        if (kind < 30) {
            c.add("ZADD");
            c.add(k);
            if (rnd.nextInt(5) == 0) c.add(List.of("NX", "XX", "GT", "LT", "CH").get(rnd.nextInt(5)));
            int pairs = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 40 : 3);
            for (int i = 0; i < pairs; i++) {
                c.add(score(rnd));
                c.add(member(rnd));
            }
        } else if (kind < 40) {
            c.addAll(List.of("ZINCRBY", k, Integer.toString(rnd.nextInt(21) - 10), member(rnd)));
        } else if (kind < 47) {
            c.addAll(List.of("ZREM", k, member(rnd), member(rnd)));
        } else if (kind < 49) {
            int from = rnd.nextInt(800) - 400;
            c.addAll(List.of("ZREMRANGEBYRANK", k, Integer.toString(from), Integer.toString(from + rnd.nextInt(8))));
        } else if (kind < 51) {
            int low = rnd.nextInt(60) - 10;
            c.addAll(List.of("ZREMRANGEBYSCORE", k, (rnd.nextBoolean() ? "(" : "") + low, Integer.toString(low + rnd.nextInt(2))));
        } else if (kind < 53) {
            c.addAll(List.of(rnd.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", k, Integer.toString(1 + rnd.nextInt(5))));
        } else if (kind < 60) {
            c.addAll(List.of("ZRANGE", k, rank(rnd), rank(rnd), "WITHSCORES"));
            if (rnd.nextBoolean()) c.add("REV");
        } else if (kind < 66) {
            c.addAll(List.of("ZRANGEBYSCORE", k, bound(rnd), bound(rnd), "WITHSCORES"));
            if (rnd.nextBoolean()) c.addAll(List.of("LIMIT", Integer.toString(rnd.nextInt(20)), Integer.toString(rnd.nextInt(30) - 5)));
        } else if (kind < 70) {
            c.addAll(List.of("ZREVRANGEBYSCORE", k, bound(rnd), bound(rnd)));
        } else if (kind < 76) {
            c.addAll(List.of(rnd.nextBoolean() ? "ZRANK" : "ZREVRANK", k, member(rnd)));
        } else if (kind < 80) {
            c.addAll(List.of("ZCOUNT", k, bound(rnd), bound(rnd)));
        } else if (kind < 83) {
            c.addAll(List.of("ZMSCORE", k, member(rnd), member(rnd), member(rnd)));
        } else if (kind < 85) {
            c.addAll(List.of("ZCARD", k));
        } else if (kind < 90) {
            c.addAll(List.of("ZADD", LEX, "0", member(rnd)));
        } else if (kind < 94) {
            c.addAll(List.of("ZRANGEBYLEX", LEX, lexBound(rnd), lexBound(rnd)));
            if (rnd.nextBoolean()) c.addAll(List.of("LIMIT", Integer.toString(rnd.nextInt(20)), Integer.toString(rnd.nextInt(30))));
        } else if (kind < 96) {
            c.addAll(List.of("ZLEXCOUNT", LEX, lexBound(rnd), lexBound(rnd)));
        } else if (kind < 98) {
            String from = member(rnd);
            c.addAll(List.of("ZREMRANGEBYLEX", LEX, "[" + from, "(" + from + "5"));
        } else {
            c.addAll(List.of("ZUNIONSTORE", "zs:u", "2", KEYS[0], KEYS[1], "AGGREGATE", List.of("SUM", "MIN", "MAX").get(rnd.nextInt(3))));
        }
        return c;
    }

    private static Object send(Jedis j, List<String> cmd) {
        return RealRedis.call(j, cmd.toArray(String[]::new));
    }
}
