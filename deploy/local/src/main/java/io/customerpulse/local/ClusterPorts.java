package io.customerpulse.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The local cluster's ports, fixed at its first start and kept in its run directory so that
 * addresses stay the same between runs. The defaults are used when free; a port another program
 * holds at first start is replaced by a free one.
 */
record ClusterPorts(int kafka, int kafkaController, int postgres, int flinkRpc, int flinkRest,
                    int prometheusFirst, int prometheusLast) {

    static final ClusterPorts DEFAULTS = new ClusterPorts(19092, 19093, 15432, 16123, 18081, 9250, 9259);

    /** The ports recorded in {@code file}, or (first start) the defaults where free, recorded there. */
    static ClusterPorts loadOrAllocate(Path file) {
        try {
            if (Files.exists(file)) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(file)) {
                    p.load(in);
                }
                return new ClusterPorts(port(p, "kafka"), port(p, "kafka.controller"), port(p, "postgres"),
                        port(p, "flink.rpc"), port(p, "flink.rest"), port(p, "prometheus.first"), port(p, "prometheus.last"));
            }
            ClusterPorts ports = new ClusterPorts(freeOr(DEFAULTS.kafka), freeOr(DEFAULTS.kafkaController),
                    freeOr(DEFAULTS.postgres), freeOr(DEFAULTS.flinkRpc), freeOr(DEFAULTS.flinkRest),
                    DEFAULTS.prometheusFirst, DEFAULTS.prometheusLast);
            Files.createDirectories(file.getParent());
            Properties p = new Properties();
            p.setProperty("kafka", Integer.toString(ports.kafka));
            p.setProperty("kafka.controller", Integer.toString(ports.kafkaController));
            p.setProperty("postgres", Integer.toString(ports.postgres));
            p.setProperty("flink.rpc", Integer.toString(ports.flinkRpc));
            p.setProperty("flink.rest", Integer.toString(ports.flinkRest));
            p.setProperty("prometheus.first", Integer.toString(ports.prometheusFirst));
            p.setProperty("prometheus.last", Integer.toString(ports.prometheusLast));
            try (OutputStream out = Files.newOutputStream(file)) {
                p.store(out, "Ports of the local cluster, chosen at its first start (delete with the run directory to choose again)");
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("ports file lacks " + key);
        }
        return Integer.parseInt(value.strip());
    }

    private static int freeOr(int preferred) throws IOException {
        if (isFree(preferred)) {
            return preferred;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
