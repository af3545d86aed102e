package dev.fleetplane.pvesim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.guest.SshGuests;
import dev.fleetplane.pvesim.qemu.GuestBoot;
import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuVm;
import dev.fleetplane.pvesim.storage.Storages;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts what a simulator starts with into it as if someone had made it by hand (no API request, no task): storage
 * volumes and backup archives, then seed VMs and templates from the builder and seed files, booting the running
 * ones. Every seed VM is checked before any is created, so a bad seed leaves the inventory as it was.
 */
final class Seeder {

    private final Inventory inventory;
    private final Storages storages;
    private final GuestRuntime guests;
    private final SshGuests sshGuests; // null unless loopback SSH guests, which take their hostname from the seed
    private final List<String> nodes;
    private final Duration bootDelay;
    private final Duration dhcpDelay;

    Seeder(Inventory inventory, Storages storages, GuestRuntime guests, SshGuests sshGuests, Duration bootDelay,
           Duration dhcpDelay) {
        this.inventory = inventory;
        this.storages = storages;
        this.guests = guests;
        this.sshGuests = sshGuests;
        this.nodes = inventory.nodes();
        this.bootDelay = bootDelay;
        this.dhcpDelay = dhcpDelay;
    }

    /** What the builder asked for at start: its volumes, its seed VMs, then those of its seed files. */
    void seed(PveSimulatorBuilder config) {
        for (PveSimulatorBuilder.VolumeSeed v : config.volumeSeeds) {
            String node = v.node() != null ? v.node() : nodes.get(0);
            if (!inventory.hasNode(node)) {
                throw new IllegalArgumentException("volume '" + v.volid() + "': node '" + node
                        + "' is not one of the simulator's nodes " + nodes);
            }
            storages.add(storages.seeded(node, v.volid(), v.size(), v.archiveConfig()));
        }
        List<SeedVm> seeds = new ArrayList<>(config.seeds);
        for (Path file : config.seedFiles) {
            seeds.addAll(readFile(file));
        }
        create(seeds);
    }

    /** VMs added to a running simulator; a VMID that exists already is an error. */
    void add(Collection<SeedVm> vms) {
        synchronized (inventory) {
            for (SeedVm s : vms) {
                if (inventory.exists(s.vmid())) {
                    throw new IllegalArgumentException("seed VM " + s.vmid() + ": the VMID exists already");
                }
            }
        }
        create(new ArrayList<>(vms));
    }

    private void create(List<SeedVm> seeds) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> toBoot = new ArrayList<>();
        synchronized (inventory) {
            for (SeedVm s : seeds) {
                check(s, seen);
            }
            for (SeedVm s : seeds) {
                String node = s.node() != null ? s.node() : nodes.get(0);
                QemuVm vm = inventory.createSeeded(s.vmid(), node);
                inventory.seedConfig(vm, s.name(), s.cores(), s.memoryMb(), s.diskGb(), s.agent(), s.template(),
                        s.tags(), s.description(), s.diskInterface());
                if (sshGuests != null) {
                    sshGuests.hostname(s.vmid(), s.name());
                }
                if (s.isRunning()) {
                    toBoot.add(s.vmid());
                }
            }
        }
        for (int vmid : toBoot) {
            boot(vmid);
        }
    }

    private void check(SeedVm s, Set<Integer> seen) {
        String where = "seed VM " + s.vmid();
        if (s.vmid() < Inventory.MIN_VMID || s.vmid() > Inventory.MAX_VMID) {
            throw new IllegalArgumentException(where + ": vmid must be between 100 and 999999999");
        }
        if (!seen.add(s.vmid())) {
            throw new IllegalArgumentException(where + ": vmid is seeded twice");
        }
        String node = s.node() != null ? s.node() : nodes.get(0);
        if (!inventory.hasNode(node)) {
            throw new IllegalArgumentException(where + ": node '" + node + "' is not one of the simulator's nodes " + nodes);
        }
        if (!"running".equals(s.status()) && !"stopped".equals(s.status())) {
            throw new IllegalArgumentException(where + ": status must be 'running' or 'stopped', got '" + s.status() + "'");
        }
        if (s.template() && s.isRunning()) {
            throw new IllegalArgumentException(where + ": a template cannot be running");
        }
        if (s.cores() < 1 || s.memoryMb() < 16 || s.diskGb() < 1) {
            throw new IllegalArgumentException(where + ": cores >= 1, memoryMb >= 16 and diskGb >= 1 are required");
        }
        if (s.diskInterface() == null || !s.diskInterface().matches("virtio([0-9]|1[0-5])|scsi([0-9]|[12][0-9]|30)"
                + "|sata[0-5]|ide[0-3]")) {
            throw new IllegalArgumentException(where + ": diskInterface must be a disk key (virtio0..15, scsi0..30,"
                    + " sata0..5, ide0..3), got '" + s.diskInterface() + "'");
        }
        if (s.name() == null || !s.name().matches("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException(where + ": name '" + s.name() + "' is not a valid DNS name");
        }
    }

    private void boot(int vmid) {
        try {
            GuestBoot spec;
            synchronized (inventory) {
                spec = GuestBoot.of(inventory.find(vmid), bootDelay, dhcpDelay);
            }
            guests.boot(spec);
        } catch (Exception e) {
            throw new IllegalStateException("seed VM " + vmid + " is running but its guest did not boot: " + e.getMessage(), e);
        }
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            long agentUp = System.currentTimeMillis() + bootDelay.toMillis();
            inventory.markBooted(vm, agentUp, agentUp + dhcpDelay.toMillis());
        }
    }

    private record SeedFile(List<SeedVm> vms) {
        @JsonCreator
        SeedFile(@JsonProperty(value = "vms", required = true) List<SeedVm> vms) {
            this.vms = vms == null ? List.of() : vms;
        }
    }

    /** A seed file: {@code {"vms":[…]}} of {@link SeedVm}s; unknown properties are errors. */
    static List<SeedVm> readFile(Path file) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return json.readValue(file.toFile(), SeedFile.class).vms();
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
            throw new IllegalArgumentException("seed file " + file + " is not valid: " + why, e);
        }
    }
}
