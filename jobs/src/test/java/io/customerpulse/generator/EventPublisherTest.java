package io.customerpulse.generator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.ingest.TopicNames;
import io.customerpulse.testing.Events;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Properties;

class EventPublisherTest {
    /**
     * A send fails after it returned, in the producer's callback. A publisher that reported only
     * earlier failures at the next send let the last batch's failure (here the only one) pass as
     * published: `./pulse replay` to a broker nobody answers at said "1 events published".
     */
    @Test
    void aSendNoBrokerAcknowledgesFailsTheFlush() throws IOException {
        Properties quickToGiveUp = new Properties();
        quickToGiveUp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
        quickToGiveUp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "300");
        quickToGiveUp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600");
        try (EventPublisher publisher = new EventPublisher("127.0.0.1:" + closedPort(), TopicNames.DEFAULTS, quickToGiveUp)) {
            publisher.publish(Events.click("e1", "u1", 1_700_000_000_000L));
            assertThatThrownBy(publisher::flush)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Publishing failed: ");
        }
    }

    /** A port nothing listens on: taken from the operating system, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
