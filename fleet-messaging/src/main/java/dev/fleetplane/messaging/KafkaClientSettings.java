package dev.fleetplane.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The connection settings of every Kafka client a service builds by hand (the outbox relay's producer, the admin
 * clients, the dead-letter browser): the bootstrap servers and the same security settings the SmallRye channels get.
 * Both come from the global {@code kafka.*} configuration (Quarkus's {@code default-kafka-broker} map, which SmallRye
 * merges into every channel): {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}, set directly
 * or built by {@link KafkaCredentialsConfigSource} from {@code fleetplane.kafka.sasl.*}.
 */
@ApplicationScoped
public class KafkaClientSettings {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> globalKafkaConfig;

    /** Bootstrap servers, client id and the security settings: what a hand-built client starts from. */
    public Properties base(String clientId) {
        Properties p = new Properties();
        p.putAll(security(globalKafkaConfig));
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    /** The security part of a client configuration: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}. */
    static Map<String, Object> security(Map<String, Object> config) {
        var out = new TreeMap<String, Object>();
        config.forEach((key, value) -> {
            if (key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) {
                out.put(key, value);
            }
        });
        return out;
    }
}
