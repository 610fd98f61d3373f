package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code redis_url} is read: one server, a master behind Sentinels, or a Cluster's seeds. */
class RedisLinkUrlTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    @Test
    void documentedSentinelUrlNamesTheSentinelsInOrderTheDatabaseAndTheMaster() {
        RedisLink.Target target = RedisLink.target("redis-sentinel://h:26379,h2:26380/0#mymaster", false, COMMAND_TIMEOUT);
        assertEquals(RedisLink.Topology.SENTINEL, target.topology());
        RedisURI uri = target.uris().get(0);
        assertEquals(List.of("h:26379", "h2:26380"),
                uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort()).toList());
        assertEquals("mymaster", uri.getSentinelMasterId());
        assertEquals(0, uri.getDatabase());
    }

    @Test
    void sentinelUrlIsNeverAClusterEvenWhenItsCommasMadeTheConfigurationSaySo() {
        assertEquals(RedisLink.Topology.SENTINEL,
                RedisLink.target("redis-sentinel://h:26379,h2:26379/0#mymaster", true, COMMAND_TIMEOUT).topology());
    }

    @Test
    void everySentinelsRepliesAreBoundedByTheCommandTimeout() {
        RedisURI uri = RedisLink.target("redis-sentinel://h,h2,h3#mymaster", false, COMMAND_TIMEOUT).uris().get(0);
        assertEquals(List.of(COMMAND_TIMEOUT, COMMAND_TIMEOUT, COMMAND_TIMEOUT),
                uri.getSentinels().stream().map(RedisURI::getTimeout).toList());
        assertEquals(COMMAND_TIMEOUT, uri.getTimeout());
    }

    @Test
    void sentinelUrlWithoutAMasterIsRefusedNamingTheFieldWithThePasswordMasked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisLink.target("redis-sentinel://:secret@h:26379,h2:26379/0", false, COMMAND_TIMEOUT));
        assertEquals("redis_url=\"redis-sentinel://***@h:26379,h2:26379/0\": a Sentinel URL names its master after "
                + "'#', e.g. redis-sentinel://h:26379,h2:26379/0#mymaster", e.getMessage());
    }

    @Test
    void commaSeparatedRedisUrlsAreAClustersSeeds() {
        RedisLink.Target target = RedisLink.target("redis://a:7000, redis://b:7001,redis://c:7002", true, COMMAND_TIMEOUT);
        assertEquals(RedisLink.Topology.CLUSTER, target.topology());
        assertEquals(List.of(7000, 7001, 7002), target.uris().stream().map(RedisURI::getPort).toList());
    }

    @Test
    void sentinelUrlInsideAClusterSeedListIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisLink.target("redis://a:7000,redis-sentinel://h:26379#m", true, COMMAND_TIMEOUT));
        assertEquals("redis_url=\"redis://a:7000,redis-sentinel://h:26379#m\": a Cluster seed list holds redis:// and "
                + "rediss:// URLs; a redis-sentinel:// URL must be the whole redis_url", e.getMessage());
    }

    @Test
    void oneRedisUrlIsOneServer() {
        RedisLink.Target target = RedisLink.target(" redis://cache.internal:6379/2 ", false, COMMAND_TIMEOUT);
        assertEquals(RedisLink.Topology.STANDALONE, target.topology());
        assertEquals("cache.internal", target.uris().get(0).getHost());
        assertEquals(2, target.uris().get(0).getDatabase());
    }
}
