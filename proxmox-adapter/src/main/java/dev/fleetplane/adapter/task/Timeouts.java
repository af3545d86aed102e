package dev.fleetplane.adapter.task;

import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.config.AdapterConfig.HostTimeouts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** How long a Proxmox task of one operation may run for one host: the host's override, else the global timeout. */
@ApplicationScoped
public class Timeouts {

    @Inject
    AdapterConfig config;

    public Duration clone(String host) {
        return pick(host, HostTimeouts::cloneTimeout, config.tasks().cloneTimeout());
    }

    public Duration start(String host) {
        return pick(host, HostTimeouts::startTimeout, config.tasks().startTimeout());
    }

    public Duration stop(String host) {
        return pick(host, HostTimeouts::stopTimeout, config.tasks().stopTimeout());
    }

    public Duration resize(String host) {
        return pick(host, HostTimeouts::resizeTimeout, config.tasks().resizeTimeout());
    }

    public Duration destroy(String host) {
        return pick(host, HostTimeouts::destroyTimeout, config.tasks().destroyTimeout());
    }

    public Duration configure(String host) {
        return pick(host, HostTimeouts::configureTimeout, config.tasks().configureTimeout());
    }

    /** Added to a graceful stop's own timeout before the VM is stopped hard. */
    public Duration shutdownGrace(String host) {
        return pick(host, HostTimeouts::shutdownGrace, config.tasks().shutdownGrace());
    }

    public Duration create(String host) {
        return pick(host, HostTimeouts::createTimeout, config.tasks().createTimeout());
    }

    public Duration template(String host) {
        return pick(host, HostTimeouts::templateTimeout, config.tasks().templateTimeout());
    }

    public Duration reboot(String host) {
        return pick(host, HostTimeouts::rebootTimeout, config.tasks().rebootTimeout());
    }

    public Duration upload(String host) {
        return pick(host, HostTimeouts::uploadTimeout, config.tasks().uploadTimeout());
    }

    private Duration pick(String host, Function<HostTimeouts, Optional<Duration>> key, Duration global) {
        return of(config.tasks(), host, key, global);
    }

    /** Pure: the override of {@code host} when it sets {@code key}, else {@code global}. */
    static Duration of(AdapterConfig.Tasks tasks, String host, Function<HostTimeouts, Optional<Duration>> key,
                       Duration global) {
        if (host == null) {
            return global;
        }
        HostTimeouts overrides = tasks.hosts().get(host);
        return overrides == null ? global : key.apply(overrides).orElse(global);
    }
}
