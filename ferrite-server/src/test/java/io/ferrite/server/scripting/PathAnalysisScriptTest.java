package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * The seed's click-stream path analysis (ferrite-docs, use-cases/real-time-analytics.md) runs
 * unchanged: SCAN over session streams, XRANGE, cjson.decode of each event, cjson.encode of the
 * path counts.
 */
class PathAnalysisScriptTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    // Verbatim from the seed, indentation included.
    static final String SCRIPT = """
                        local paths = {}
                        local cursor = '0'

                        repeat
                            local result = redis.call('SCAN', cursor, 'MATCH', 'clickstream:*', 'COUNT', 100)
                            cursor = result[1]

                            for _, key in ipairs(result[2]) do
                                local events = redis.call('XRANGE', key, '-', '+')
                                local path = {}

                                for _, entry in ipairs(events) do
                                    local event = cjson.decode(entry[2][2])
                                    if event.type == 'page_view' then
                                        table.insert(path, event.page)
                                    end
                                end

                                -- Check if path starts with start_page
                                if path[1] == ARGV[1] then
                                    local path_key = table.concat(path, ' -> ', 1, math.min(#path, tonumber(ARGV[2])))
                                    paths[path_key] = (paths[path_key] or 0) + 1
                                end
                            end
                        until cursor == '0'

                        return cjson.encode(paths)
            """;

    private static void pageView(Jedis j, String session, String page, String referrer, long ts) {
        String json = "{\"type\":\"page_view\",\"page\":\"" + page + "\",\"referrer\":"
                + (referrer == null ? "null" : "\"" + referrer + "\"") + ",\"timestamp\":" + ts + "}";
        j.xadd("clickstream:" + session, StreamEntryID.NEW_ENTRY, Map.of("event", json));
        j.expire("clickstream:" + session, 86400);
        j.incr("pageviews:" + page);
    }

    @Test
    void pathAnalysisCountsPathsFromTheStartPage() {
        try (Jedis j = ferrite.jedis()) {
            long t = 1_700_000_000_000L;
            // 150 sessions /home -> /pricing -> /signup, 60 /home -> /blog, 40 starting elsewhere,
            // plus click events that are not page views (ignored by the script).
            for (int s = 0; s < 250; s++) {
                String id = "s" + s;
                if (s < 150) {
                    pageView(j, id, "/home", null, t);
                    j.xadd("clickstream:" + id, StreamEntryID.NEW_ENTRY,
                            Map.of("event", "{\"type\":\"click\",\"page\":\"/home\",\"target\":\"cta\"}"));
                    pageView(j, id, "/pricing", "/home", t + 1);
                    pageView(j, id, "/signup", "/pricing", t + 2);
                    pageView(j, id, "/welcome", "/signup", t + 3);
                } else if (s < 210) {
                    pageView(j, id, "/home", null, t);
                    pageView(j, id, "/blog", "/home", t + 1);
                } else {
                    pageView(j, id, "/blog", null, t);
                    pageView(j, id, "/home", "/blog", t + 1);
                }
            }
            j.set("clickstream-not-a-stream", "x"); // MATCH clickstream:* leaves it out
            String json = (String) j.eval(SCRIPT, List.of(), List.of("/home", "3"));
            assertThat(json).startsWith("{").endsWith("}");
            // cjson.encode writes '/' as '\/', as Redis's cjson does.
            Map<String, Long> paths = parse(json);
            assertThat(paths).containsOnly(
                    Map.entry("/home -> /pricing -> /signup", 150L),
                    Map.entry("/home -> /blog", 60L));
            assertThat(json).contains("\"\\/home -> \\/pricing -> \\/signup\":150");
        }
    }

    /** A flat JSON object of string keys and integer values. */
    private static Map<String, Long> parse(String json) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String pair : json.substring(1, json.length() - 1).split(",")) {
            int colon = pair.lastIndexOf(':');
            String key = pair.substring(1, colon - 1).replace("\\/", "/");
            out.put(key, Long.parseLong(pair.substring(colon + 1)));
        }
        return out;
    }
}
