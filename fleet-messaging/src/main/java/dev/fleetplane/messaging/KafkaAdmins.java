package dev.fleetplane.messaging;

import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The admin clients the library opens (consumer lag, topic figures): one client id each, 5 s bounds on every call. */
final class KafkaAdmins {

    private KafkaAdmins() {
    }

    /** An admin client on {@code settings}' servers and security, named {@code clientId}; calls give up after 5 s. */
    static Admin create(KafkaClientSettings settings, String clientId) {
        Properties p = settings.base(clientId);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(p);
    }
}
