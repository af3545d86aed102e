package dev.fleetplane.adapter.inventory;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.commands.Replies;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.RetryPolicy;
import dev.fleetplane.proxmox.client.VmConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * {@code SyncInventory}: one {@code GET /cluster/resources?type=vm}, each VM's config from the cache or, for VMs that
 * are new or whose resource entry changed, one {@code GET config} each ({@link ConfigRefresh}); published as
 * {@code InventoryObserved}. An unchanged fleet costs one call whatever its size.
 */
@ApplicationScoped
public class InventorySync implements CommandHandler {

    private static final Logger LOG = Logger.getLogger(InventorySync.class);

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Replies replies;

    @Inject
    Database database;

    @Inject
    ConfigCache cache;

    @Inject
    AdapterConfig config;

    private ExecutorService readers;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.SYNC_INVENTORY;
    }

    @Override
    public Outcome handle(Command command) {
        Observation seen;
        try {
            seen = observe("requested");
        } catch (PveException e) {
            LOG.warnf("inventory failed: %s", e.getMessage());
            return c -> replies.append(c, command, EventCatalog.PVE_OPERATION_FAILED,
                    OperationFailures.of("inventory", null, 0, e));
        }
        return c -> {
            seen.remember(c);
            replies.append(c, command, EventCatalog.INVENTORY_OBSERVED, seen.payload());
            InventorySchedule.recordPublished(c, seen.payload().digest());
        };
    }

    /**
     * One look at Proxmox: the {@code /cluster/resources} answer with each QEMU guest's config from the cache or read
     * anew. Calls Proxmox (outside any transaction); {@link Observation#remember} then stores the configs read.
     *
     * @param context for log lines: {@code requested} (a SyncInventory command, whose story the line is in) or
     *                {@code scheduled}
     */
    public Observation observe(String context) {
        List<ClusterVm> guests = retry.run(pve::clusterVms);
        List<ClusterVm> qemu = guests.stream().filter(ClusterVm::isQemu).toList();
        Map<Integer, ConfigCache.Entry> cached = database.read(cache::all);
        Instant now = Instant.now();
        Map<Integer, ConfigRefresh.Source> sources = ConfigRefresh.decide(qemu, cached, now,
                config.inventory().configMaxAge());
        List<ClusterVm> toRead = qemu.stream().filter(v -> sources.get(v.vmid()) == ConfigRefresh.Source.READ).toList();
        List<ConfigCache.Entry> fresh = read(toRead, now, context);

        Map<Integer, Map<String, String>> configs = new HashMap<>();
        sources.forEach((vmid, source) -> {
            if (source == ConfigRefresh.Source.CACHE) {
                configs.put(vmid, cached.get(vmid).config());
            }
        });
        fresh.forEach(e -> configs.put(e.vmid(), e.config()));
        List<ObservedVm> vms = InventoryDigest.observed(guests, configs);
        String digest = InventoryDigest.digest(vms);
        long notRead = sources.values().stream().filter(s -> s == ConfigRefresh.Source.NONE).count();
        LOG.infof("inventory: %d QEMU guests; configs: %d cached, %d read, %d not read (templates, locked); digest %s (%s)",
                vms.size(), configs.size() - fresh.size(), fresh.size(), notRead, digest, context);
        var payload = new InventoryObserved(pve.connection().baseUrl().toString(), vms, digest);
        return new Observation(payload, fresh, qemu.stream().map(ClusterVm::vmid).toList());
    }

    /** What one look at Proxmox saw: the event's payload, and the configs to keep for the next look. */
    public final class Observation {
        private final InventoryObserved payload;
        private final List<ConfigCache.Entry> fresh;
        private final List<Integer> present;

        Observation(InventoryObserved payload, List<ConfigCache.Entry> fresh, List<Integer> present) {
            this.payload = payload;
            this.fresh = fresh;
            this.present = present;
        }

        public InventoryObserved payload() {
            return payload;
        }

        /** Stores the configs read and forgets VMs that are gone, in the caller's transaction. */
        public void remember(Connection c) throws SQLException {
            cache.put(c, fresh);
            cache.retainOnly(c, present);
        }
    }

    /** Reads the configs in parallel (bounded); a VM whose read fails is published without config, and read next time. */
    private List<ConfigCache.Entry> read(List<ClusterVm> vms, Instant now, String context) {
        if (vms.isEmpty()) {
            return List.of();
        }
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<ConfigCache.Entry>> reads = new ArrayList<>();
        for (ClusterVm v : vms) {
            reads.add(CompletableFuture.supplyAsync(() -> {
                try {
                    VmConfig read = retry.run(() -> pve.config(v.node(), v.vmid()));
                    return new ConfigCache.Entry(v.vmid(), v.node(), ConfigRefresh.fingerprint(v), read.values(), now);
                } catch (PveException e) {
                    if (failed.incrementAndGet() <= 5) {
                        LOG.warnf("inventory: config of VM %d on %s not read, published without it (%s): %s", v.vmid(),
                                v.node(), context, e.getMessage());
                    }
                    return null;
                }
            }, readers()));
        }
        List<ConfigCache.Entry> out = new ArrayList<>();
        for (CompletableFuture<ConfigCache.Entry> f : reads) {
            ConfigCache.Entry e = f.join();
            if (e != null) {
                out.add(e);
            }
        }
        if (failed.get() > 5) {
            LOG.warnf("inventory: %d config reads failed in all (%s)", failed.get(), context);
        }
        return out;
    }

    private synchronized ExecutorService readers() {
        if (readers == null) {
            AtomicInteger n = new AtomicInteger();
            readers = Executors.newFixedThreadPool(Math.max(1, config.inventory().configReadConcurrency()), r -> {
                Thread t = new Thread(r, "pve-config-reader-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return readers;
    }

    @PreDestroy
    synchronized void close() {
        if (readers != null) {
            readers.shutdownNow();
        }
    }
}
