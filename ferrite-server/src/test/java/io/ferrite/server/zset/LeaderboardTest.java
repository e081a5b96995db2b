package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;

/**
 * A 100k-member leaderboard over the socket against a TreeSet model: random score updates,
 * removals, and rank/range reads checked after every batch.
 */
class LeaderboardTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private record Entry(double score, String member) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Double.compare(score, o.score);
            return c != 0 ? c : member.compareTo(o.member); // ASCII members: same as unsigned bytes
        }
    }

    @Test
    void ranksAndRangesOf100kMembersFollowRandomUpdates() {
        Random rnd = new Random(2024);
        TreeSet<Entry> model = new TreeSet<>();
        Map<String, Double> scores = new HashMap<>();
        try (Jedis j = ferrite.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 100_000; i++) {
                String m = "player:" + i;
                double s = rnd.nextInt(10_000);
                p.zadd("board", s, m);
                model.add(new Entry(s, m));
                scores.put(m, s);
            }
            p.sync();
            assertThat(j.zcard("board")).isEqualTo(100_000L);
            for (int batch = 0; batch < 20; batch++) {
                p = j.pipelined();
                for (int k = 0; k < 2_000; k++) {
                    String m = "player:" + rnd.nextInt(110_000);
                    Double old = scores.get(m);
                    if (rnd.nextInt(10) == 0) {
                        p.zrem("board", m);
                        if (old != null) model.remove(new Entry(old, m));
                        scores.remove(m);
                    } else {
                        double by = rnd.nextInt(201) - 100;
                        p.zincrby("board", by, m);
                        if (old != null) model.remove(new Entry(old, m));
                        double now = (old == null ? 0 : old) + by;
                        model.add(new Entry(now, m));
                        scores.put(m, now);
                    }
                }
                p.sync();
                List<Entry> ordered = new ArrayList<>(model);
                int n = ordered.size();
                Map<String, Integer> rankOf = new HashMap<>(n * 2);
                for (int i = 0; i < n; i++) rankOf.put(ordered.get(i).member(), i);
                p = j.pipelined();
                List<String> probes = new ArrayList<>();
                List<Response<Long>> ranks = new ArrayList<>(), revRanks = new ArrayList<>();
                for (int k = 0; k < 200; k++) {
                    String m = ordered.get(rnd.nextInt(n)).member();
                    probes.add(m);
                    ranks.add(p.zrank("board", m));
                    revRanks.add(p.zrevrank("board", m));
                }
                Response<List<Tuple>> top10 = p.zrevrangeWithScores("board", 0, 9);
                int at = rnd.nextInt(n - 20);
                Response<List<String>> middle = p.zrange("board", at, at + 19);
                p.sync();
                for (int k = 0; k < probes.size(); k++) {
                    long rank = rankOf.get(probes.get(k));
                    assertThat(ranks.get(k).get()).isEqualTo(rank);
                    assertThat(revRanks.get(k).get()).isEqualTo(n - 1 - rank);
                }
                for (int k = 0; k < 10; k++) {
                    Entry e = ordered.get(n - 1 - k);
                    assertThat(top10.get().get(k).getElement()).isEqualTo(e.member());
                    assertThat(top10.get().get(k).getScore()).isEqualTo(e.score());
                }
                for (int k = 0; k < 20; k++) assertThat(middle.get().get(k)).isEqualTo(ordered.get(at + k).member());
            }
            assertThat(j.zcard("board")).isEqualTo((long) model.size());
            long lo = 100, hi = 5000;
            long expected = model.stream().filter(e -> e.score() >= lo && e.score() <= hi).count();
            assertThat(j.zcount("board", lo, hi)).isEqualTo(expected);
        }
    }
}
