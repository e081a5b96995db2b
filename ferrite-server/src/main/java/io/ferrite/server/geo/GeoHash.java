package io.ferrite.server.geo;

/**
 * The geohash arithmetic of Redis's GEO commands (7.2.6 src/geohash.c, geohash_helper.c): a
 * point is two fixed-point offsets, latitude in the even bits and longitude in the odd bits of
 * one interleaved number; at 26 steps that is 52 bits, exactly representable as a sorted-set
 * score. Latitude spans ±85.05112878 (the Web Mercator limit), not ±90, so scores are Redis's.
 *
 * <p>A hash here is (bits, step) packed as two longs by the caller; "zero" (bits 0, step 0)
 * marks a neighbour box excluded from a search.
 */
final class GeoHash {
    private GeoHash() {}

    static final int STEP_MAX = 26;
    static final double LAT_MIN = -85.05112878, LAT_MAX = 85.05112878;
    static final double LONG_MIN = -180, LONG_MAX = 180;
    /** Earth's quadratic mean radius for WGS-84, as Redis. */
    static final double EARTH_RADIUS_M = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    /** Spreads the low 32 bits of v into the even bits of the result. */
    private static long spread(long v) {
        v &= 0xFFFFFFFFL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    /** The even bits of v gathered into the low 32 bits. */
    private static long squash(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    /**
     * The step-bit hash of a point within the given ranges, or -1 when outside them (or outside
     * the GEO limits). The offsets are truncated to integers as C's double-to-uint32 conversion.
     */
    static long encode(double lon, double lat, int step, double lonMin, double lonMax, double latMin,
                       double latMax) {
        if (lon > LONG_MAX || lon < LONG_MIN || lat > LAT_MAX || lat < LAT_MIN) return -1;
        if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) return -1;
        double latOffset = (lat - latMin) / (latMax - latMin) * (double) (1L << step);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin) * (double) (1L << step);
        return spread((long) latOffset) | (spread((long) lonOffset) << 1);
    }

    static long encode(double lon, double lat, int step) {
        return encode(lon, lat, step, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX);
    }

    /** The 52-bit score of a point (GEOADD). */
    static long score(double lon, double lat) {
        return encode(lon, lat, STEP_MAX);
    }

    /** The box of a hash: {lonMin, lonMax, latMin, latMax}. */
    static double[] area(long bits, int step) {
        long ilat = squash(bits), ilon = squash(bits >>> 1);
        double cells = (double) (1L << step);
        double latScale = LAT_MAX - LAT_MIN, lonScale = LONG_MAX - LONG_MIN;
        return new double[] {
            LONG_MIN + (ilon / cells) * lonScale, LONG_MIN + ((ilon + 1) / cells) * lonScale,
            LAT_MIN + (ilat / cells) * latScale, LAT_MIN + ((ilat + 1) / cells) * latScale};
    }

    /** The centre {lon, lat} of a 52-bit score's box, clamped to the limits. */
    static double[] decode(double score) {
        double[] a = area((long) score, STEP_MAX);
        double lon = Math.min(LONG_MAX, Math.max(LONG_MIN, (a[0] + a[1]) / 2));
        double lat = Math.min(LAT_MAX, Math.max(LAT_MIN, (a[2] + a[3]) / 2));
        return new double[] {lon, lat};
    }

    /** Moves a hash one box east (d > 0) or west (d < 0): the longitude (odd) bits. */
    static long moveX(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & 0xaaaaaaaaaaaaaaaaL, y = bits & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - step * 2);
        if (d > 0) x = x + (zz + 1);
        else x = (x | zz) - (zz + 1);
        x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2));
        return x | y;
    }

    /** Moves a hash one box north (d > 0) or south (d < 0): the latitude (even) bits. */
    static long moveY(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & 0xaaaaaaaaaaaaaaaaL, y = bits & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2);
        if (d > 0) y = y + (zz + 1);
        else y = (y | zz) - (zz + 1);
        y &= (0x5555555555555555L >>> (64 - step * 2));
        return x | y;
    }

    static double degRad(double a) { return a * D_R; }
    static double radDeg(double a) { return a / D_R; }

    static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS_M * Math.abs(degRad(lat2) - degRad(lat1));
    }

    /** Haversine distance in meters, as geohashGetDistance (same shortcut when longitudes match). */
    static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = degRad(lon1), lon2r = degRad(lon2);
        double v = StrictMath.sin((lon2r - lon1r) / 2);
        if (v == 0.0) return latDistance(lat1, lat2);
        double lat1r = degRad(lat1), lat2r = degRad(lat2);
        double u = StrictMath.sin((lat2r - lat1r) / 2);
        double a = u * u + StrictMath.cos(lat1r) * StrictMath.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_M * StrictMath.asin(Math.sqrt(a));
    }

    /** The step whose boxes are about the search radius (geohashEstimateStepsByRadius). */
    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) return 26;
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2; // so the range falls within most base cases
        if (lat > 66 || lat < -66) { // boxes narrow towards the poles
            step--;
            if (lat > 80 || lat < -80) step--;
        }
        return Math.max(1, Math.min(26, step));
    }
}
