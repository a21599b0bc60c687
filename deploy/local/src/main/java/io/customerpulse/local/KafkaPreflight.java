package io.customerpulse.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the Kafka a command is about to use whether it answers and has the topics, before the
 * command starts its work. Without it, a replay to a broker nobody answers read all its input and
 * then waited 60 s for each batch's metadata; a backfill from Kafka printed "0 events read" for a
 * minute; a job submitted to the cluster was reported submitted and restarted every minute.
 */
final class KafkaPreflight {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KafkaPreflight() {}

    /** @throws IllegalStateException if no broker answers at {@code bootstrap} within {@code timeout}, or a topic is missing */
    static void check(String bootstrap, Properties clientProperties, Collection<String> topics, Duration timeout) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Admin admin = Admin.create(properties);
        try {
            Set<String> present = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> missing = topics.stream().filter(topic -> !present.contains(topic)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Kafka at " + bootstrap + " has no topic " + String.join(", ", missing)
                        + ": create it, or name the topics with --clicks-topic, --purchases-topic and --shares-topic");
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(noAnswer(bootstrap, timeout)); // the timeout says nothing more
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException(noAnswer(bootstrap, timeout));
            }
            throw new IllegalStateException("Kafka at " + bootstrap + " refused to list its topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Kafka at " + bootstrap + " for its topics", e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static String noAnswer(String bootstrap, Duration timeout) {
        return "No Kafka broker answered at " + bootstrap + " within " + timeout.toSeconds() + " s";
    }
}
