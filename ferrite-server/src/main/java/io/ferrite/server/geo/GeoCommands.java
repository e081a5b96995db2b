package io.ferrite.server.geo;

import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.KeyFinder;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.zset.ScoreRange;
import io.ferrite.server.zset.SortedSet;
import io.ferrite.server.zset.SortedSetCommands;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GEO commands (Redis 7.2 group "geo"): GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. Values are plain sorted
 * sets whose scores are 52-bit geohashes ({@link GeoHash}), so ZSCORE/ZRANGE on a geo key give
 * Redis's numbers. Behaviour, reply shapes and error texts follow Redis 7.2.6 src/geo.c.
 *
 * <p>A search covers the centre box of the estimated step and its eight neighbours (fewer when
 * a neighbour lies outside the bounding box), each as a score range [min, max) of the set,
 * visited in Redis's order (centre, N, S, E, W, NE, NW, SE, SW), so unsorted results and ANY
 * come out as Redis's.
 */
public final class GeoCommands {
    private GeoCommands() {}

    static final CommandError UNIT = new CommandError("ERR unsupported unit provided. please use M, KM, FT, MI");
    static final CommandError MEMBER = new CommandError("ERR could not decode requested zset member");
    static final CommandError RADIUS_NOT_FLOAT = new CommandError("ERR need numeric radius");
    static final CommandError WIDTH_NOT_FLOAT = new CommandError("ERR need numeric width");
    static final CommandError HEIGHT_NOT_FLOAT = new CommandError("ERR need numeric height");
    static final CommandError RADIUS_NEGATIVE = new CommandError("ERR radius cannot be negative");
    static final CommandError BOX_NEGATIVE = new CommandError("ERR height or width cannot be negative");
    static final CommandError COUNT_POSITIVE = new CommandError("ERR COUNT must be > 0");
    static final CommandError ANY_NEEDS_COUNT = new CommandError("ERR the ANY argument requires COUNT argument");
    private static final byte[] GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> READ_KEY = List.of("RO", "access");
    private static final List<String> STORE_KEY = List.of("OW", "update");

    public static void register(CommandTable.Builder t) {
        t.add("geoadd", -5, "write denyoom", "@geo", 1, 1, 1, GeoCommands::geoadd).rangeKeyFlags("RW update");
        t.add("geopos", -2, "readonly", "@geo", 1, 1, 1, GeoCommands::geopos);
        t.add("geodist", -4, "readonly", "@geo", 1, 1, 1, GeoCommands::geodist);
        t.add("geohash", -2, "readonly", "@geo", 1, 1, 1, GeoCommands::geohash);
        t.add("geosearch", -7, "readonly", "@geo", 1, 1, 1, GeoCommands::geosearch);
        t.add("geosearchstore", -8, "write denyoom", "@geo", 1, 2, 1, GeoCommands::geosearchstore);
        t.add("georadius", -6, "write denyoom movablekeys lock_all", "@geo", 1, 1, 1, GeoCommands::georadius)
                .rangeKeyFlags("RO access")
                .keyFinder(GeoCommands::radiusKeys);
        t.add("georadiusbymember", -5, "write denyoom movablekeys lock_all", "@geo", 1, 1, 1,
                        GeoCommands::georadiusByMember)
                .rangeKeyFlags("RO access")
                .keyFinder(GeoCommands::radiusKeys);
        t.add("georadius_ro", -6, "readonly", "@geo", 1, 1, 1, GeoCommands::georadiusRo);
        t.add("georadiusbymember_ro", -5, "readonly", "@geo", 1, 1, 1, GeoCommands::georadiusByMemberRo);
    }

    /** GEORADIUS[BYMEMBER] keys: the source, and the STORE/STOREDIST destination when given. */
    static List<KeyFinder.Key> radiusKeys(byte[][] argv, int argc) {
        List<KeyFinder.Key> keys = new ArrayList<>(2);
        keys.add(new KeyFinder.Key(1, READ_KEY));
        for (int i = 2; i + 1 < argc; i++) {
            if (is(argv[i], "store") || is(argv[i], "storedist")) {
                keys.add(new KeyFinder.Key(i + 1, STORE_KEY));
                break;
            }
        }
        return keys;
    }

    // ================================================================ argument helpers

    /** A longitude,latitude pair at argv[i], argv[i+1], within the GEO limits. */
    private static double[] lonLat(Client c, int i) {
        double lon = SortedSetCommands.parseScore(c.arg(i), CommandError.NOT_FLOAT);
        double lat = SortedSetCommands.parseScore(c.arg(i + 1), CommandError.NOT_FLOAT);
        if (lon < GeoHash.LONG_MIN || lon > GeoHash.LONG_MAX || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
            throw new CommandError("ERR invalid longitude,latitude pair " + fixed6(lon) + "," + fixed6(lat));
        }
        return new double[] {lon, lat};
    }

    /** C's "%f": six decimals of the exact binary value. */
    private static String fixed6(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Meters per unit. */
    private static double unit(byte[] u) {
        if (is(u, "m")) return 1;
        if (is(u, "km")) return 1000;
        if (is(u, "ft")) return 0.3048;
        if (is(u, "mi")) return 1609.34;
        throw UNIT;
    }

    /** The position of a member, null when it is absent. */
    private static double[] memberPosition(SortedSet z, byte[] member) {
        double score = z.score(member);
        return Double.isNaN(score) ? null : GeoHash.decode(score);
    }

    /** A distance with four fixed decimals (fixedpoint_d2string: rounded half to even). */
    static byte[] distance(double d) {
        if (d == 0) return "0.0000".getBytes(StandardCharsets.US_ASCII);
        long v = (long) Math.rint(d * 10000.0);
        boolean negative = v < 0;
        String digits = Long.toString(Math.abs(v));
        if (digits.length() < 5) digits = "0".repeat(5 - digits.length()) + digits;
        String s = (negative ? "-" : "") + digits.substring(0, digits.length() - 4) + "."
                + digits.substring(digits.length() - 4);
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A coordinate as addReplyHumanLongDouble: "%.17Lf" of the exact value, trailing zeros
     * (and a trailing dot) removed; a bulk string in RESP2, a double in RESP3.
     */
    static void coordinate(RespWriter w, double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
            s = s.substring(0, end);
        }
        if (s.equals("-0")) s = "0";
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (w.resp3()) {
            w.raw(new byte[] {','});
            w.raw(b);
            w.raw(new byte[] {'\r', '\n'});
        } else {
            w.bulk(b);
        }
    }

    // ================================================================ GEOADD

    static void geoadd(Client c) {
        int argc = c.argc();
        boolean nx = false, xx = false, ch = false;
        int idx = 2;
        for (; idx < argc; idx++) {
            byte[] o = c.arg(idx);
            if (is(o, "nx")) nx = true;
            else if (is(o, "xx")) xx = true;
            else if (is(o, "ch")) ch = true;
            else break;
        }
        if ((argc - idx) % 3 != 0 || (nx && xx)) throw CommandError.SYNTAX;
        int n = (argc - idx) / 3;
        if (n == 0) throw CommandError.SYNTAX; // ZADD's own check on an empty pair list
        double[] scores = new double[n];
        byte[][] members = new byte[n][];
        for (int j = 0; j < n; j++) {
            double[] xy = lonLat(c, idx + j * 3);
            scores[j] = GeoHash.score(xy[0], xy[1]);
            members[j] = c.arg(idx + j * 3 + 2);
        }
        SortedSetCommands.addScored(c, c.arg(1), nx, xx, ch, scores, members);
    }

    // ================================================================ point reads

    static void geopos(Client c) {
        SortedSet z = c.db().get(c.arg(1), SortedSet.class);
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            double[] xy = z == null ? null : memberPosition(z, c.arg(j));
            if (xy == null) {
                w.nullArray();
            } else {
                w.array(2);
                coordinate(w, xy[0]);
                coordinate(w, xy[1]);
            }
        }
    }

    static void geodist(Client c) {
        double toMeter = 1;
        if (c.argc() == 5) toMeter = unit(c.arg(4));
        else if (c.argc() > 5) throw CommandError.SYNTAX;
        SortedSet z = c.db().get(c.arg(1), SortedSet.class);
        RespWriter w = c.reply();
        double[] a = z == null ? null : memberPosition(z, c.arg(2));
        double[] b = a == null ? null : memberPosition(z, c.arg(3));
        if (b == null) {
            w.nullBulk();
            return;
        }
        w.bulk(distance(GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeter));
    }

    static void geohash(Client c) {
        SortedSet z = c.db().get(c.arg(1), SortedSet.class);
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            double[] xy = z == null ? null : memberPosition(z, c.arg(j));
            if (xy == null) {
                w.nullBulk();
                continue;
            }
            // Scores use latitudes ±85.05; the standard geohash string is over ±90: re-encode.
            long bits = GeoHash.encode(xy[0], xy[1], GeoHash.STEP_MAX, -180, 180, -90, 90);
            byte[] s = new byte[11];
            for (int i = 0; i < 11; i++) {
                // 52 bits make ten characters; the eleventh is assumed zero, as Redis does.
                int k = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
                s[i] = GEO_ALPHABET[k];
            }
            w.bulk(s);
        }
    }

    // ================================================================ searches

    private static final int COORDS = 1, MEMBER_FLAG = 2, NOSTORE = 4, SEARCH = 8, SEARCHSTORE = 16;
    private static final int SORT_NONE = 0, SORT_ASC = 1, SORT_DESC = 2;

    static void georadius(Client c) { search(c, 1, COORDS); }
    static void georadiusByMember(Client c) { search(c, 1, MEMBER_FLAG); }
    static void georadiusRo(Client c) { search(c, 1, COORDS | NOSTORE); }
    static void georadiusByMemberRo(Client c) { search(c, 1, MEMBER_FLAG | NOSTORE); }
    static void geosearch(Client c) { search(c, 1, SEARCH); }
    static void geosearchstore(Client c) { search(c, 2, SEARCH | SEARCHSTORE); }

    /** The search area: centre, and a radius or a width and height, in the unit (meters per unit). */
    static final class Shape {
        double lon, lat;
        boolean box;
        double radius, width, height, conversion;
        final double[] bounds = new double[4]; // minLon, minLat, maxLon, maxLat
    }

    /** One match. */
    record Point(byte[] member, double score, double lon, double lat, double dist) {}

    private static void search(Client c, int srcIdx, int flags) {
        Database db = c.db();
        SortedSet z = db.get(c.arg(srcIdx), SortedSet.class);
        Shape shape = new Shape();
        byte[] storeKey = null;
        boolean storeDist = false;
        int base;
        if ((flags & COORDS) != 0) {
            base = 6;
            double[] xy = lonLat(c, 2);
            shape.lon = xy[0];
            shape.lat = xy[1];
            distanceArg(c, base - 2, shape);
        } else if ((flags & MEMBER_FLAG) != 0 && z == null) {
            base = 5; // parse the options anyway: the reply shape depends on STORE
        } else if ((flags & MEMBER_FLAG) != 0) {
            base = 5;
            double[] xy = memberPosition(z, c.arg(2));
            if (xy == null) throw MEMBER;
            shape.lon = xy[0];
            shape.lat = xy[1];
            distanceArg(c, base - 2, shape);
        } else {
            base = 2;
            if ((flags & SEARCHSTORE) != 0) {
                base = 3;
                storeKey = c.arg(1);
            }
        }
        boolean withDist = false, withHash = false, withCoord = false, any = false;
        boolean fromMember = false, fromLoc = false, byRadius = false, byBox = false;
        int sort = SORT_NONE;
        long count = 0;
        int argc = c.argc();
        boolean search = (flags & SEARCH) != 0;
        boolean storeAllowed = (flags & NOSTORE) == 0 && !search;
        for (int i = base; i < argc; i++) {
            byte[] a = c.arg(i);
            int left = argc - i - 1; // arguments after this one
            if (is(a, "withdist")) withDist = true;
            else if (is(a, "withhash")) withHash = true;
            else if (is(a, "withcoord")) withCoord = true;
            else if (is(a, "any")) any = true;
            else if (is(a, "asc")) sort = SORT_ASC;
            else if (is(a, "desc")) sort = SORT_DESC;
            else if (is(a, "count") && left >= 1) {
                count = Numbers.parseLong(c.arg(i + 1), CommandError.NOT_INTEGER);
                if (count <= 0) throw COUNT_POSITIVE;
                i++;
            } else if (is(a, "store") && left >= 1 && storeAllowed) {
                storeKey = c.arg(++i);
                storeDist = false;
            } else if (is(a, "storedist") && left >= 1 && storeAllowed) {
                storeKey = c.arg(++i);
                storeDist = true;
            } else if (is(a, "storedist") && search && (flags & SEARCHSTORE) != 0) {
                storeDist = true;
            } else if (is(a, "frommember") && left >= 1 && search && !fromLoc) {
                fromMember = true;
                i++;
                if (z == null) continue; // no source: finish parsing, reply empty after
                double[] xy = memberPosition(z, c.arg(i));
                if (xy == null) throw MEMBER;
                shape.lon = xy[0];
                shape.lat = xy[1];
            } else if (is(a, "fromlonlat") && left >= 2 && search && !fromMember) {
                double[] xy = lonLat(c, i + 1);
                shape.lon = xy[0];
                shape.lat = xy[1];
                fromLoc = true;
                i += 2;
            } else if (is(a, "byradius") && left >= 2 && search && !byBox) {
                distanceArg(c, i + 1, shape);
                byRadius = true;
                i += 2;
            } else if (is(a, "bybox") && left >= 3 && search && !byRadius) {
                double w = SortedSetCommands.parseScore(c.arg(i + 1), WIDTH_NOT_FLOAT);
                double h = SortedSetCommands.parseScore(c.arg(i + 2), HEIGHT_NOT_FLOAT);
                if (h < 0 || w < 0) throw BOX_NEGATIVE;
                shape.conversion = unit(c.arg(i + 3));
                shape.width = w;
                shape.height = h;
                shape.box = true;
                byBox = true;
                i += 3;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (storeKey != null && (withDist || withHash || withCoord)) {
            throw new CommandError("ERR " + ((flags & SEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        String name = new String(c.arg(0), StandardCharsets.UTF_8);
        if (search && !(fromMember || fromLoc)) {
            throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name);
        }
        if (search && !(byRadius || byBox)) {
            throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name);
        }
        if (any && count == 0) throw ANY_NEEDS_COUNT;
        RespWriter w = c.reply();
        if (z == null) {
            if (storeKey != null) {
                if (db.delete(storeKey)) KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "del", storeKey);
                w.integer(0);
            } else {
                w.emptyArray();
            }
            return;
        }
        // COUNT without an order means the nearest ones.
        if (count != 0 && sort == SORT_NONE && !any) sort = SORT_ASC;

        List<Point> found = new ArrayList<>();
        collect(z, shape, found, any ? count : 0);
        if (found.isEmpty() && storeKey == null) {
            w.emptyArray();
            return;
        }
        int total = found.size();
        int returned = (count == 0 || total < count) ? total : (int) count;
        if (sort != SORT_NONE) {
            Comparator<Point> byDist = Comparator.comparingDouble(Point::dist);
            found.sort(sort == SORT_ASC ? byDist : byDist.reversed());
        }
        if (storeKey == null) {
            int options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
            w.array(returned);
            for (int i = 0; i < returned; i++) {
                Point p = found.get(i);
                if (options > 0) w.array(options + 1);
                w.bulk(p.member());
                if (withDist) w.bulk(distance(p.dist() / shape.conversion));
                if (withHash) w.integer((long) p.score());
                if (withCoord) {
                    w.array(2);
                    coordinate(w, p.lon());
                    coordinate(w, p.lat());
                }
            }
            return;
        }
        if (returned == 0) {
            if (db.delete(storeKey)) KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "del", storeKey);
            w.integer(0);
            return;
        }
        double[] scores = new double[returned];
        byte[][] members = new byte[returned][];
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            scores[i] = storeDist ? p.dist() / shape.conversion : p.score();
            members[i] = p.member();
        }
        db.set(storeKey, SortedSetCommands.build(c, scores, members, returned));
        KeyspaceEvents.notify(c, KeyspaceEvents.ZSET, search ? "geosearchstore" : "georadiusstore", storeKey);
        w.integer(returned);
    }

    /** A radius and its unit at argv[i], argv[i+1]. */
    private static void distanceArg(Client c, int i, Shape shape) {
        double r = SortedSetCommands.parseScore(c.arg(i), RADIUS_NOT_FLOAT);
        if (r < 0) throw RADIUS_NEGATIVE;
        shape.radius = r;
        shape.box = false;
        shape.conversion = unit(c.arg(i + 1));
    }

    // ================================================================ the 9-box search

    /** Redis's geohashCalculateAreasByShapeWGS84 and membersOfAllNeighbors. */
    private static void collect(SortedSet z, Shape s, List<Point> out, long limit) {
        boundingBox(s);
        double minLon = s.bounds[0], minLat = s.bounds[1], maxLon = s.bounds[2], maxLat = s.bounds[3];
        double radiusM = s.box ? Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))
                : s.radius;
        radiusM *= s.conversion;
        int step = GeoHash.estimateSteps(radiusM, s.lat);
        long hash = GeoHash.encode(s.lon, s.lat, step);
        long[] nb = neighbours(hash, step);
        // The estimated step may leave a neighbour too close to cover the whole area: one step up.
        boolean decrease = GeoHash.area(nb[1], step)[3] < maxLat || GeoHash.area(nb[2], step)[2] > minLat
                || GeoHash.area(nb[3], step)[1] < maxLon || GeoHash.area(nb[4], step)[0] > minLon;
        if (step > 1 && decrease) {
            step--;
            hash = GeoHash.encode(s.lon, s.lat, step);
            nb = neighbours(hash, step);
        }
        double[] area = GeoHash.area(hash, step);
        boolean[] zero = new boolean[9];
        if (step >= 2) { // drop the neighbours outside the bounding box
            if (area[2] < minLat) zero[2] = zero[8] = zero[7] = true;
            if (area[3] > maxLat) zero[1] = zero[5] = zero[6] = true;
            if (area[0] < minLon) zero[4] = zero[8] = zero[6] = true;
            if (area[1] > maxLon) zero[3] = zero[7] = zero[5] = true;
        }
        int last = 0;
        for (int i = 0; i < 9; i++) {
            if (zero[i]) continue;
            // Huge radii make adjacent neighbours the same box: skip a repeat of the previous one.
            if (last != 0 && nb[i] == nb[last]) continue;
            if (limit != 0 && !out.isEmpty() && out.size() >= limit) break;
            boxMembers(z, nb[i], step, s, out, limit);
            last = i;
        }
    }

    /** The centre box and its neighbours in Redis's order: C, N, S, E, W, NE, NW, SE, SW. */
    private static long[] neighbours(long h, int step) {
        return new long[] {
            h,
            GeoHash.moveY(h, step, 1),
            GeoHash.moveY(h, step, -1),
            GeoHash.moveX(h, step, 1),
            GeoHash.moveX(h, step, -1),
            GeoHash.moveY(GeoHash.moveX(h, step, 1), step, 1),
            GeoHash.moveY(GeoHash.moveX(h, step, -1), step, 1),
            GeoHash.moveY(GeoHash.moveX(h, step, 1), step, -1),
            GeoHash.moveY(GeoHash.moveX(h, step, -1), step, -1)};
    }

    /** geohashBoundingBox: the lon/lat box around the centre that holds the whole area. */
    private static void boundingBox(Shape s) {
        double height = s.conversion * (s.box ? s.height / 2 : s.radius);
        double width = s.conversion * (s.box ? s.width / 2 : s.radius);
        double latDelta = GeoHash.radDeg(height / GeoHash.EARTH_RADIUS_M);
        double lonDeltaTop = GeoHash.radDeg(width / GeoHash.EARTH_RADIUS_M / Math.cos(GeoHash.degRad(s.lat + latDelta)));
        double lonDeltaBottom =
                GeoHash.radDeg(width / GeoHash.EARTH_RADIUS_M / Math.cos(GeoHash.degRad(s.lat - latDelta)));
        boolean south = s.lat < 0; // the wider edge is the one nearer the pole
        s.bounds[0] = south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop;
        s.bounds[2] = south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop;
        s.bounds[1] = s.lat - latDelta;
        s.bounds[3] = s.lat + latDelta;
    }

    /** The members scored within one box ([min, max) of its 52-bit prefix) that fall in the shape. */
    private static void boxMembers(SortedSet z, long bits, int step, Shape s, List<Point> out, long limit) {
        long min = bits << (52 - step * 2);
        long max = (bits + 1) << (52 - step * 2);
        ScoreRange range = ScoreRange.of(min, false, max, true);
        long from = z.firstRank(range), end = z.endRank(range);
        // One walk along the range (a skiplist's nodes in order), not a rank lookup per member.
        z.forEach(from, end - 1, false, (member, score) -> {
            if (limit != 0 && out.size() >= limit) return; // ANY: enough found
            double[] xy = GeoHash.decode(score);
            double dist;
            if (s.box) {
                double widthM = s.width * s.conversion, heightM = s.height * s.conversion;
                if (GeoHash.latDistance(xy[1], s.lat) > heightM / 2) return;
                if (GeoHash.distance(xy[0], xy[1], s.lon, xy[1]) > widthM / 2) return;
                dist = GeoHash.distance(s.lon, s.lat, xy[0], xy[1]);
            } else {
                dist = GeoHash.distance(s.lon, s.lat, xy[0], xy[1]);
                if (dist > s.radius * s.conversion) return;
            }
            out.add(new Point(member, score, xy[0], xy[1], dist));
        });
    }
}
