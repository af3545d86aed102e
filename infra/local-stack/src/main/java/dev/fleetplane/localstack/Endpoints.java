package dev.fleetplane.localstack;

import java.util.Objects;

/**
 * Where a running Kafka and PostgreSQL answer: all a client needs, whoever started them.
 *
 * @param jdbcPassword never logged; {@link #toString()} hides it
 */
public record Endpoints(String kafkaBootstrapServers, String jdbcUrl, String jdbcUser, String jdbcPassword) {

    public Endpoints {
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(jdbcPassword, "jdbcPassword");
    }

    @Override
    public String toString() {
        return "Endpoints[kafka=" + kafkaBootstrapServers + ", jdbc=" + jdbcUrl + ", user=" + jdbcUser + "]";
    }
}
