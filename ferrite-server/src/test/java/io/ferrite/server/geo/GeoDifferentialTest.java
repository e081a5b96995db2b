package io.ferrite.server.geo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.RealRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Ferrite against a real redis-server (skipped when none is installed): the same GEO commands on
 * the same data must give the same replies, member order included. Scores read back with ZRANGE
 * are compared as numbers, since Redis 7.0 prints them with 17 digits and 7.2 (and Ferrite) with
 * the shortest exact form.
 */
class GeoDifferentialTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private static final String[] UNITS = {"m", "km", "ft", "mi", "KM"};

    private static Object call(Jedis j, String... args) {
        return RealRedis.call(j, args);
    }

    private static void same(Jedis r, Jedis f, String... args) {
        assertThat(call(f, args)).as(String.join(" ", args)).isEqualTo(call(r, args));
    }

    /** ZRANGE key 0 -1 WITHSCORES with scores as doubles. */
    private static List<Object> zset(Jedis j, String key) {
        List<Object> out = new ArrayList<>();
        Object reply = call(j, "zrange", key, "0", "-1", "withscores");
        List<?> l = (List<?>) reply;
        for (int i = 0; i < l.size(); i += 2) {
            out.add(l.get(i));
            out.add(Double.parseDouble((String) l.get(i + 1)));
        }
        return out;
    }

    @Test
    void fixedCommandsAnswerAsRedis() {
        try (Jedis r = redis.jedis(); Jedis f = ferrite.jedis()) {
            String[][] script = {
                {"geoadd", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
                {"geoadd", "Sicily", "2.349014", "48.864716", "paris", "-73.935242", "40.730610", "ny",
                    "179.9", "85.05", "north", "-179.9", "-85.0", "south", "0", "0", "zero"},
                {"geoadd", "Sicily", "CH", "NX", "13.361389", "38.115556", "Palermo", "1", "1", "x"},
                {"geoadd", "Sicily", "XX", "CH", "13.5", "38.1", "Palermo", "2", "2", "y"},
                {"geoadd", "Sicily", "200", "100", "bad"},
                {"geoadd", "Sicily", "13", "85.06", "bad"},
                {"geoadd", "Sicily", "nx", "xx", "1", "1", "a"},
                {"geoadd", "Sicily", "abc", "1", "a"},
                {"geopos", "Sicily", "Palermo", "Catania", "missing", "north", "south", "zero"},
                {"geopos", "nokey", "a"},
                {"geodist", "Sicily", "Palermo", "Catania"},
                {"geodist", "Sicily", "Palermo", "Catania", "km"},
                {"geodist", "Sicily", "Palermo", "Catania", "mi"},
                {"geodist", "Sicily", "Palermo", "ny", "ft"},
                {"geodist", "Sicily", "Palermo", "missing"},
                {"geodist", "Sicily", "Palermo", "Catania", "parsecs"},
                {"geodist", "Sicily", "Palermo", "Catania", "km", "extra"},
                {"geohash", "Sicily", "Palermo", "Catania", "missing", "north", "south", "zero", "paris"},
                {"georadius", "Sicily", "15", "37", "200", "km", "WITHCOORD", "WITHDIST", "WITHHASH"},
                {"georadius", "Sicily", "15", "37", "20000", "km", "COUNT", "4", "DESC", "WITHDIST"},
                {"georadius", "Sicily", "15", "37", "2000", "km", "COUNT", "2", "ANY"},
                {"georadiusbymember", "Sicily", "Palermo", "200", "km", "WITHDIST"},
                {"georadiusbymember", "Sicily", "missing", "200", "km"},
                {"georadiusbymember_ro", "Sicily", "Palermo", "20000", "km", "ASC"},
                {"georadius_ro", "Sicily", "15", "37", "200", "km", "STORE", "x"},
                {"georadius", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST"},
                {"geosearch", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "BYBOX", "1", "1", "km"},
                {"geosearch", "Sicily", "BYRADIUS", "200", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ANY"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "0"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "COUNT", "x"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "abc", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "abc", "1", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "abc", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "parsecs"},
                {"geosearch", "Sicily", "FROMMEMBER", "missing", "BYRADIUS", "200", "km"},
                {"geosearch", "nokey", "FROMMEMBER", "missing", "BYRADIUS", "200", "km"},
                {"geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STORE", "x"},
                {"geosearchstore", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST"},
                {"geosearchstore", "d", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
                {"geosearch", "Sicily", "FROMLONLAT", "179", "85", "BYRADIUS", "500", "km", "WITHDIST"},
                {"geosearch", "Sicily", "FROMLONLAT", "-179", "-84", "BYRADIUS", "500", "km", "WITHDIST"},
                {"set", "str", "x"},
                {"geopos", "str", "a"},
                {"geoadd", "str", "1", "1", "a"},
                {"geosearch", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"},
            };
            for (String[] c : script) same(r, f, c);
            assertThat(zset(f, "Sicily")).isEqualTo(zset(r, "Sicily"));
            assertThat(zset(f, "d")).isEqualTo(zset(r, "d"));
        }
    }

    @Test
    void randomSearchesAnswerAsRedis() {
        Random rnd = new Random(20261129);
        double[][] centres = {{13.36, 38.11}, {2.35, 48.86}, {-73.93, 40.73}, {139.69, 35.68}, {0, 0},
            {179.5, 0}, {-60, -70}, {20, 82}};
        try (Jedis r = redis.jedis(); Jedis f = ferrite.jedis()) {
            List<String> add = new ArrayList<>(List.of("geoadd", "pts"));
            List<String> big = new ArrayList<>(List.of("geoadd", "big"));
            for (int i = 0; i < 600; i++) {
                double[] c = centres[rnd.nextInt(centres.length)];
                double lon = Math.max(-180, Math.min(180, c[0] + rnd.nextGaussian() * 3));
                double lat = Math.max(-85, Math.min(85, c[1] + rnd.nextGaussian() * 2));
                List<String> to = i < 100 ? add : big; // "pts" stays a listpack, "big" a skiplist
                to.addAll(List.of(fmt(lon), fmt(lat), "m" + i));
            }
            same(r, f, add.toArray(String[]::new));
            same(r, f, big.toArray(String[]::new));
            for (int i = 0; i < 400; i++) {
                String key = rnd.nextBoolean() ? "pts" : "big";
                double[] c = centres[rnd.nextInt(centres.length)];
                List<String> a = new ArrayList<>();
                boolean store = rnd.nextInt(5) == 0;
                a.add(store ? "geosearchstore" : "geosearch");
                if (store) a.add("dst");
                a.add(key);
                if (rnd.nextInt(4) == 0) a.addAll(List.of("FROMMEMBER", "m" + rnd.nextInt(key.equals("pts") ? 100 : 600)));
                else a.addAll(List.of("FROMLONLAT", fmt(c[0] + rnd.nextGaussian() * 3),
                        fmt(Math.max(-85, Math.min(85, c[1] + rnd.nextGaussian() * 2)))));
                String unit = UNITS[rnd.nextInt(UNITS.length)];
                double scale = unit.equalsIgnoreCase("km") ? 1 : unit.equals("m") ? 1000 : unit.equals("ft") ? 3280 : 0.62;
                if (rnd.nextBoolean()) a.addAll(List.of("BYRADIUS", fmt(rnd.nextDouble() * 800 * scale), unit));
                else a.addAll(List.of("BYBOX", fmt(rnd.nextDouble() * 1500 * scale), fmt(rnd.nextDouble() * 1500 * scale), unit));
                int order = rnd.nextInt(3);
                if (order == 1) a.add("ASC");
                if (order == 2) a.add("DESC");
                if (rnd.nextInt(3) == 0) {
                    a.addAll(List.of("COUNT", Integer.toString(1 + rnd.nextInt(20))));
                    if (rnd.nextInt(3) == 0) a.add("ANY");
                }
                if (store) {
                    if (rnd.nextBoolean()) a.add("STOREDIST");
                } else {
                    if (rnd.nextBoolean()) a.add("WITHDIST");
                    if (rnd.nextBoolean()) a.add("WITHCOORD");
                    if (rnd.nextBoolean()) a.add("WITHHASH");
                }
                String[] args = a.toArray(String[]::new);
                same(r, f, args);
                if (store) assertSameStored(zset(f, "dst"), zset(r, "dst"), String.join(" ", args));
            }
            for (int i = 0; i < 50; i++) {
                String m1 = "m" + (100 + rnd.nextInt(500)), m2 = "m" + (100 + rnd.nextInt(500));
                same(r, f, "geodist", "big", m1, m2, UNITS[rnd.nextInt(UNITS.length)]);
                same(r, f, "geohash", "big", m1, m2);
                same(r, f, "geopos", "big", m1, m2);
            }
            assertThat(zset(f, "big")).isEqualTo(zset(r, "big"));
        }
    }

    /**
     * Stored results: the same members in the same order, scores equal but for the last bit or
     * two of a STOREDIST distance (Java's sin/cos/asin and glibc's may round differently).
     */
    private static void assertSameStored(List<Object> ferrite, List<Object> redis, String what) {
        assertThat(ferrite).as(what).hasSameSizeAs(redis);
        for (int i = 0; i < redis.size(); i += 2) {
            assertThat(ferrite.get(i)).as(what).isEqualTo(redis.get(i));
            double a = (Double) ferrite.get(i + 1), b = (Double) redis.get(i + 1);
            assertThat(Math.abs(a - b)).as(what + ": " + a + " vs " + b).isLessThanOrEqualTo(Math.ulp(b) * 4);
        }
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }
}
