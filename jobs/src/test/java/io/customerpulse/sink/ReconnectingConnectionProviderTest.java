package io.customerpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Against a port where no database listens, so every attempt fails at once; time is simulated. */
class ReconnectingConnectionProviderTest {

    /** A clock that only moves when the provider waits, and remembers the waits. */
    private static final class SimulatedClock implements ReconnectingConnectionProvider.Clock {
        long now;
        final List<Long> pauses = new ArrayList<>();

        @Override
        public long millis() {
            return now;
        }

        @Override
        public void sleep(long millis) {
            pauses.add(millis);
            now += millis;
        }
    }

    private static JdbcConnectionOptions nothingListening() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl("jdbc:postgresql://127.0.0.1:" + port + "/pulse?connectTimeout=1")
                .withDriverName("org.postgresql.Driver").withUsername("pulse").build();
    }

    @Test
    void retriesWithGrowingPausesUntilTheTimeoutThenGivesTheDatabaseErrorToTheSink() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        var provider = new ReconnectingConnectionProvider(nothingListening(), Duration.ofSeconds(20), clock);
        assertThatThrownBy(provider::reestablishConnection).isInstanceOf(SQLException.class);
        // 0.5 + 1 + 2 + 4 + 5 + 5 = 17.5 s; one more pause of 5 s would pass the 20 s.
        assertThat(clock.pauses).containsExactly(500L, 1_000L, 2_000L, 4_000L, 5_000L, 5_000L);
    }

    @Test
    void withoutTimeItFailsAtTheFirstAttemptLikeTheConnectorsOwnProvider() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        var provider = new ReconnectingConnectionProvider(nothingListening(), Duration.ZERO, clock);
        assertThatThrownBy(provider::getOrEstablishConnection).isInstanceOf(SQLException.class);
        assertThat(clock.pauses).isEmpty();
    }
}
