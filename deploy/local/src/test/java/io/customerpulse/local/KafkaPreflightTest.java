package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.ingest.TopicNames;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** Against a real in-process broker (KRaft), with the event topics created and automatic creation off. */
class KafkaPreflightTest {
    private static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafka.start();
        kafka.createTopics(TopicNames.DEFAULTS, 1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void aBrokerWithTheTopicsPasses() {
        assertThatCode(() -> KafkaPreflight.check(kafka.bootstrapServers(), new Properties(),
                TopicNames.DEFAULTS.eventTopics(), Duration.ofSeconds(10))).doesNotThrowAnyException();
    }

    @Test
    void aMissingTopicIsNamed() {
        assertThatThrownBy(() -> KafkaPreflight.check(kafka.bootstrapServers(), new Properties(),
                List.of("clicks", "click-events", "shares"), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Kafka at " + kafka.bootstrapServers() + " has no topic click-events: create it");
    }

    @Test
    void noBrokerAnsweringIsSaidWithinTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> KafkaPreflight.check("127.0.0.1:" + closedPort, new Properties(),
                TopicNames.DEFAULTS.eventTopics(), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No Kafka broker answered at 127.0.0.1:" + closedPort + " within 2 s");
        // not Kafka's 60 s of waiting for metadata; a few seconds for the client's start and close
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}
