package io.ferrite.server.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GeoAddParams;
import redis.clients.jedis.params.GeoRadiusParam;
import redis.clients.jedis.params.GeoRadiusStoreParam;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

/** GEO commands through Jedis's geo API; expected values are Redis 7.2's (its documentation's examples). */
class GeoCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private Jedis j;

    @BeforeEach
    void sicily() {
        j = ferrite.jedis();
        assertThat(j.geoadd("Sicily", 13.361389, 38.115556, "Palermo")).isEqualTo(1);
        assertThat(j.geoadd("Sicily", Map.of("Catania", new GeoCoordinate(15.087269, 37.502669)))).isEqualTo(1);
    }

    private static List<String> members(List<GeoRadiusResponse> rs) {
        return rs.stream().map(GeoRadiusResponse::getMemberByString).toList();
    }

    @Test
    void scoresAreRedisGeohashes() {
        assertThat(j.zscore("Sicily", "Palermo")).isEqualTo(3479099956230698.0);
        assertThat(j.zscore("Sicily", "Catania")).isEqualTo(3479447370796909.0);
        assertThat(j.type("Sicily")).isEqualTo("zset");
    }

    @Test
    void geoaddOptions() {
        Map<String, GeoCoordinate> moved = Map.of("Palermo", new GeoCoordinate(13.5, 38.1));
        assertThat(j.geoadd("Sicily", GeoAddParams.geoAddParams().nx(), moved)).isZero();
        assertThat(j.geoadd("Sicily", GeoAddParams.geoAddParams().xx(), moved)).isZero();
        assertThat(j.geoadd("Sicily", GeoAddParams.geoAddParams().xx().ch(),
                Map.of("Palermo", new GeoCoordinate(13.6, 38.1)))).isEqualTo(1);
        assertThat(j.geoadd("Sicily", GeoAddParams.geoAddParams().xx(),
                Map.of("Nowhere", new GeoCoordinate(1, 1)))).isZero();
        assertThat(j.zcard("Sicily")).isEqualTo(2);
        assertThatThrownBy(() -> j.geoadd("Sicily", 200, 100, "bad")).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR invalid longitude,latitude pair 200.000000,100.000000");
        assertThatThrownBy(() -> j.geoadd("Sicily", 10, 85.06, "bad"))
                .hasMessage("ERR invalid longitude,latitude pair 10.000000,85.060000");
        assertThatThrownBy(() -> j.sendCommand(() -> "GEOADD".getBytes(), "Sicily", "NX", "XX", "1", "1", "a"))
                .hasMessage("ERR syntax error");
    }

    @Test
    void positionsDistancesAndHashes() {
        List<GeoCoordinate> pos = j.geopos("Sicily", "Palermo", "Nowhere");
        assertThat(pos.get(0).getLongitude()).isEqualTo(13.36138933897018433);
        assertThat(pos.get(0).getLatitude()).isEqualTo(38.11555639549629859);
        assertThat(pos.get(1)).isNull();
        assertThat(j.geodist("Sicily", "Palermo", "Catania")).isEqualTo(166274.1516);
        assertThat(j.geodist("Sicily", "Palermo", "Catania", GeoUnit.KM)).isEqualTo(166.2742);
        assertThat(j.geodist("Sicily", "Palermo", "Catania", GeoUnit.MI)).isEqualTo(103.3182);
        assertThat(j.geodist("Sicily", "Palermo", "Nowhere")).isNull();
        assertThat(j.geohash("Sicily", "Palermo", "Catania", "Nowhere"))
                .containsExactly("sqc8b49rny0", "sqdtr74hyu0", null);
        assertThatThrownBy(() -> j.sendCommand(() -> "GEODIST".getBytes(), "Sicily", "Palermo", "Catania", "parsecs"))
                .hasMessage("ERR unsupported unit provided. please use M, KM, FT, MI");
    }

    @Test
    void radiusAndSearch() {
        j.geoadd("Sicily", 12.758489, 38.788135, "edge1");
        j.geoadd("Sicily", 17.241510, 38.788135, "edge2");
        List<GeoRadiusResponse> near = j.georadius("Sicily", 15, 37, 200, GeoUnit.KM,
                GeoRadiusParam.geoRadiusParam().withDist().sortAscending());
        assertThat(members(near)).containsExactly("Catania", "Palermo");
        assertThat(near.get(0).getDistance()).isEqualTo(56.4413);
        assertThat(near.get(1).getDistance()).isEqualTo(190.4424);
        assertThat(members(j.georadius("Sicily", 15, 37, 200, GeoUnit.KM,
                GeoRadiusParam.geoRadiusParam().sortDescending()))).containsExactly("Palermo", "Catania");

        List<GeoRadiusResponse> box = j.geosearch("Sicily", GeoSearchParam.geoSearchParam().fromLonLat(15, 37)
                .byBox(400, 400, GeoUnit.KM).asc().withCoord().withDist().withHash());
        assertThat(members(box)).containsExactly("Catania", "Palermo", "edge2", "edge1");
        assertThat(box.get(2).getDistance()).isEqualTo(279.7403);
        assertThat(box.get(0).getRawScore()).isEqualTo(3479447370796909L);
        assertThat(box.get(0).getCoordinate().getLongitude()).isEqualTo(15.08726745843887329);
        // The same area by radius misses the corners.
        assertThat(members(j.geosearch("Sicily", new GeoCoordinate(15, 37), 200, GeoUnit.KM))).hasSize(2);
        assertThat(members(j.geosearch("Sicily", GeoSearchParam.geoSearchParam().fromMember("Palermo")
                .byRadius(1000, GeoUnit.KM).count(1)))).containsExactly("Palermo");
        assertThat(members(j.georadiusByMember("Sicily", "Palermo", 100, GeoUnit.KM))).containsExactly("Palermo", "edge1");
        assertThatThrownBy(() -> j.georadiusByMember("Sicily", "Nowhere", 100, GeoUnit.KM))
                .hasMessage("ERR could not decode requested zset member");
        assertThat(j.geosearch("nokey", new GeoCoordinate(15, 37), 200, GeoUnit.KM)).isEmpty();
    }

    @Test
    void storeForms() {
        assertThat(j.georadiusStore("Sicily", 15, 37, 200, GeoUnit.KM, GeoRadiusParam.geoRadiusParam(),
                GeoRadiusStoreParam.geoRadiusStoreParam().store("near"))).isEqualTo(2);
        assertThat(j.zscore("near", "Palermo")).isEqualTo(3479099956230698.0);
        assertThat(j.geosearchStoreStoreDist("dist", "Sicily", GeoSearchParam.geoSearchParam().fromLonLat(15, 37)
                .byRadius(200, GeoUnit.KM))).isEqualTo(2);
        assertThat(j.zscore("dist", "Catania")).isCloseTo(56.4413, org.assertj.core.data.Offset.offset(1e-4));
        // Nothing found: the destination is deleted.
        assertThat(j.geosearchStore("dist", "Sicily", new GeoCoordinate(-100, 10), 1, GeoUnit.KM)).isZero();
        assertThat(j.exists("dist")).isFalse();
        assertThatThrownBy(() -> j.sendCommand(() -> "GEORADIUS".getBytes(), "Sicily", "15", "37", "200", "km",
                "WITHDIST", "STORE", "x"))
                .hasMessage("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        assertThatThrownBy(() -> j.sendCommand(() -> "GEORADIUS_RO".getBytes(), "Sicily", "15", "37", "200", "km",
                "STORE", "x")).hasMessage("ERR syntax error");
        assertThat(j.sendCommand(() -> "COMMAND".getBytes(), "GETKEYS", "GEORADIUS", "src", "15", "37", "200", "km",
                "STORE", "dst")).asList().extracting(b -> new String((byte[]) b)).containsExactly("src", "dst");
    }
}
