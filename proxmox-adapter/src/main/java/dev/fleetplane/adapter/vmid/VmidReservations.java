package dev.fleetplane.adapter.vmid;

import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.RetryPolicy;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Hands out VMIDs from {@code fleetplane.adapter.vmid.range} to VMs without a spec'd VMID (templates, smoke-test
 * clones): the lowest VMID that Proxmox's inventory does not show and no replica has reserved, reserved in
 * {@code vmid_lease} (primary key: one winner per VMID) and then checked with Proxmox. Unused reservations expire.
 * A create without a VMID ({@code RestoreVm}, {@code ImportVm}, {@code CloneVm} with vmid 0, through
 * {@code create.CreateVmid}) uses it; the command id is the holder, so a redelivered command gets the VMID it reserved
 * before.
 */
@ApplicationScoped
public class VmidReservations {

    private static final Logger LOG = Logger.getLogger(VmidReservations.class);

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    Database database;

    @Inject
    VmidLeases leases;

    @Inject
    AdapterConfig config;

    /** Reserves a VMID for {@code holder} (e.g. the command id), checked against Proxmox's current inventory. */
    public int reserve(String holder) {
        java.util.OptionalInt earlier = database.read(c -> leases.heldBy(c, holder));
        if (earlier.isPresent()) {
            return earlier.getAsInt();
        }
        Set<Integer> inUse = retry.run(pve::clusterVms).stream().map(ClusterVm::vmid).collect(Collectors.toSet());
        // The inventory picks candidates in one call; /cluster/nextid?vmid=N then asks Proxmox itself about the one
        // won, which catches a VM created by hand since the read. Among fleetplane's replicas the lease decides.
        return reserve(holder, range(), inUse, vmid -> retry.run(() -> pve.vmidFree(vmid)));
    }

    /**
     * The allocation itself: pick the lowest free VMID, win its row, then ask {@code proxmoxSaysFree}; a VMID Proxmox
     * refuses is released and skipped. Throws {@link IllegalStateException} naming the range when it is exhausted.
     */
    public int reserve(String holder, VmidRange range, Set<Integer> inUse, IntPredicate proxmoxSaysFree) {
        Set<Integer> refused = new HashSet<>();
        Instant expires = Instant.now().plus(config.vmid().reservationTtl());
        while (true) {
            OptionalInt won = database.inTransaction(c -> {
                leases.expire(c, Instant.now());
                Set<Integer> reserved = leases.reserved(c, range);
                OptionalInt candidate = VmidChoice.lowestFree(range, inUse, reserved, refused);
                if (candidate.isEmpty()) {
                    throw new IllegalStateException("no free VMID in fleetplane.adapter.vmid.range " + range + ": "
                            + inUse.stream().filter(range::contains).count() + " in use on Proxmox, " + reserved.size()
                            + " reserved, " + refused.size() + " refused by Proxmox");
                }
                return leases.tryReserve(c, candidate.getAsInt(), holder, expires) ? candidate : OptionalInt.empty();
            });
            if (won.isEmpty()) {
                continue; // another allocation took that VMID between our read and insert: pick again
            }
            int vmid = won.getAsInt();
            if (proxmoxSaysFree.test(vmid)) {
                LOG.infof("reserved VMID %d for %s (range %s)", vmid, holder, range);
                return vmid;
            }
            refused.add(vmid);
            database.inTransaction(c -> leases.release(c, vmid, holder));
        }
    }

    /** Gives a reservation back (the VM was not created after all). */
    public boolean release(int vmid, String holder) {
        return database.inTransaction(c -> leases.release(c, vmid, holder));
    }

    /** A malformed range stops the adapter at startup, naming the setting, instead of at the first allocation. */
    void checkRange(@Observes StartupEvent ignored) {
        range();
    }

    public VmidRange range() {
        return VmidRange.parse("fleetplane.adapter.vmid.range", config.vmid().range());
    }
}
