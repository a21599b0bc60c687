package io.customerpulse.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a running local cluster ({@code ./pulse cluster start}) publishes about itself in its run directory. */
final class LocalCluster {
    private LocalCluster() {}

    static Path directory() {
        return PulseHome.runDirectory().resolve("cluster");
    }

    /** The bootstrap servers of the local cluster's Kafka broker. */
    static String kafkaBootstrapServers() {
        Path file = directory().resolve("kafka").resolve("bootstrap-servers");
        if (!Files.exists(file)) {
            throw new IllegalStateException("No local cluster is running (start one with ./pulse cluster start), "
                    + "or pass --bootstrap-servers <host:port>");
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
