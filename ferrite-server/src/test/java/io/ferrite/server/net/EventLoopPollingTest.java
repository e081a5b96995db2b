package io.ferrite.server.net;

import static io.netty.channel.SelectStrategy.CONTINUE;
import static io.netty.channel.SelectStrategy.SELECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** io-poll-us: an event loop polls through short gaps between events and sleeps through long ones. */
class EventLoopPollingTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("io-threads", "1");

    private static final IntSupplier NOTHING = () -> 0;
    private static final IntSupplier TWO_EVENTS = () -> 2;

    // Netty handles the events that end a sleep before it asks the strategy again, so the look
    // after a sleep usually finds nothing new; the wake-up itself counts as work.
    @Test
    void windowGrowsOnShortSleepsAndShrinksOnLongOnes() throws Exception {
        long[] now = {1_000_000};
        PollBeforeSleep s = new PollBeforeSleep(() -> 50_000, () -> now[0]);
        assertThat(s.calculateStrategy(NOTHING, false)).as("no window yet: sleep").isEqualTo(SELECT);
        now[0] += 5_000; // woken after 5 µs: a 10 µs poll would have caught it
        assertThat(s.calculateStrategy(NOTHING, false)).as("after the wake-up: look again").isEqualTo(CONTINUE);
        assertThat(s.windowNanos()).isEqualTo(10_000);
        now[0] += 4_000;
        assertThat(s.calculateStrategy(TWO_EVENTS, false)).isEqualTo(2);
        now[0] += 9_000;
        assertThat(s.calculateStrategy(NOTHING, false)).as("inside the window: look again").isEqualTo(CONTINUE);
        now[0] += 2_000;
        assertThat(s.calculateStrategy(NOTHING, false)).as("window over: sleep").isEqualTo(SELECT);
        for (long expected : new long[] {20_000, 40_000, 50_000, 50_000}) {
            now[0] += 45_000; // each sleep ended within the 50 µs limit
            assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(CONTINUE);
            assertThat(s.windowNanos()).isEqualTo(expected);
            now[0] += expected;
            assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(SELECT);
        }
        for (long expected : new long[] {25_000, 12_500, 0}) {
            now[0] += 2_000_000; // long sleeps: polling would have been wasted
            assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(expected == 0 ? SELECT : CONTINUE);
            assertThat(s.windowNanos()).isEqualTo(expected);
            if (expected != 0) {
                now[0] += expected;
                assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(SELECT);
            }
        }
        assertThat(s.sleeps()).isEqualTo(9);
        assertThat(s.polls()).isEqualTo(8);
    }

    @Test
    void aLoweredLimitCapsTheWindow() throws Exception {
        long[] now = {1_000_000};
        long[] limit = {10_000_000};
        PollBeforeSleep s = new PollBeforeSleep(() -> limit[0], () -> now[0]);
        assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(SELECT);
        for (int i = 0; i < 20 && s.windowNanos() < limit[0]; i++) {
            now[0] += s.windowNanos() + 1_000; // woken just after the window would have closed: grow
            assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(CONTINUE);
            now[0] += s.windowNanos();
            assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(SELECT);
        }
        assertThat(s.windowNanos()).isEqualTo(10_000_000);
        limit[0] = 1_000_000;
        now[0] += 3_000_000; // one sleep past the new limit: halved from the limit, not from 10 ms
        assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(CONTINUE);
        assertThat(s.windowNanos()).isEqualTo(500_000);
    }

    @Test
    void pendingTasksAreWorkAndALimitOfZeroNeverPolls() throws Exception {
        long[] now = {1_000_000};
        long[] limit = {50_000};
        PollBeforeSleep s = new PollBeforeSleep(() -> limit[0], () -> now[0]);
        assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(SELECT);
        now[0] += 1_000;
        assertThat(s.calculateStrategy(NOTHING, true)).as("tasks to run: no blocking").isZero();
        now[0] += 1_000;
        assertThat(s.calculateStrategy(NOTHING, false)).isEqualTo(CONTINUE);
        limit[0] = 0;
        IntSupplier mustNotPoll = () -> { throw new AssertionError("polled with io-poll-us 0"); };
        assertThat(s.calculateStrategy(mustNotPoll, false)).isEqualTo(SELECT);
        assertThat(s.windowNanos()).isZero();
        assertThat(s.calculateStrategy(TWO_EVENTS, true)).isEqualTo(2);
    }

    @Test
    void aBusyConnectionKeepsItsLoopAwake() {
        try (Jedis admin = ferrite.jedis(); Jedis j = ferrite.jedis()) {
            assertThat(admin.configGet("io-poll-us")).containsEntry("io-poll-us", "50");
            int n = 3000;
            admin.configSet("io-poll-us", "0");
            long sleepsWithout = sleepsDuring(() -> pings(j, n));
            admin.configSet("io-poll-us", "10000");
            pings(j, 200); // let the window grow
            long sleepsWith = sleepsDuring(() -> pings(j, n));
            assertThat(sleepsWithout).as("loop sleeps between requests without polling").isGreaterThan(n / 2);
            assertThat(sleepsWith).as("loop sleeps between requests while polling").isLessThan(n / 10);
        } finally {
            resetLimit();
        }
    }

    @Test
    void requestsFarApartDoNotMakeTheLoopPoll() throws Exception {
        try (Jedis admin = ferrite.jedis(); Jedis j = ferrite.jedis()) {
            admin.configSet("io-poll-us", "1000");
            for (int i = 0; i < 20; i++) { // whatever window an earlier test left shrinks away
                assertThat(j.ping()).isEqualTo("PONG");
                Thread.sleep(3);
            }
            NetServer.LoopWaits before = ferrite.server().eventLoopWaits();
            for (int i = 0; i < 50; i++) { // a PING every 3 ms: each sleep outlasts the 1 ms limit
                assertThat(j.ping()).isEqualTo("PONG");
                Thread.sleep(3);
            }
            NetServer.LoopWaits after = ferrite.server().eventLoopWaits();
            assertThat(after.sleeps() - before.sleeps()).as("sleeps").isGreaterThanOrEqualTo(50);
            // Polling a window after each request would look again thousands of times.
            assertThat(after.polls() - before.polls()).as("polls").isLessThan(200);
        } finally {
            resetLimit();
        }
    }

    @Test
    void theLimitIsBoundedAndSettable() {
        try (Jedis admin = ferrite.jedis()) {
            assertThatThrownBy(() -> admin.configSet("io-poll-us", "-1"))
                    .hasMessageContaining("argument must be between 0 and 10000 inclusive");
            assertThatThrownBy(() -> admin.configSet("io-poll-us", "20000"))
                    .hasMessageStartingWith("ERR CONFIG SET failed (possibly related to argument 'io-poll-us')");
            admin.configSet("io-poll-us", "200");
            assertThat(admin.configGet("io-poll-us")).containsEntry("io-poll-us", "200");
        } finally {
            resetLimit();
        }
    }

    private static void resetLimit() {
        try (Jedis admin = ferrite.jedis()) {
            admin.configSet("io-poll-us", "50");
        }
    }

    private static void pings(Jedis j, int n) {
        for (int i = 0; i < n; i++) assertThat(j.ping()).isEqualTo("PONG");
    }

    private static long sleepsDuring(Runnable work) {
        long before = ferrite.server().eventLoopWaits().sleeps();
        work.run();
        return ferrite.server().eventLoopWaits().sleeps() - before;
    }
}
