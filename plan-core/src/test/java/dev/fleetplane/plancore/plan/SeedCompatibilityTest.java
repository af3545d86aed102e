package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.inventory.InventoryFile;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hosts.nix written for the Terranix / bpg seed ({@code examples/seed/hosts.nix}, evaluated into
 * {@code seed/hosts.json}) against an inventory where the imported VMs differ from it only where their bpg ignore
 * lists say so ({@code examples/seed/inventory.json}, configs read).
 */
class SeedCompatibilityTest {

    static HostsSpec seedSpec() throws Exception {
        try (InputStream in = SeedCompatibilityTest.class.getResourceAsStream("/seed/hosts.json")) {
            SpecValidator.Result r = SpecValidator.validate(Json.MAPPER.readTree(in));
            assertEquals(List.of(), r.problems());
            assertEquals(List.of(), r.warnings(), "every bpg name of the seed's ignore lists is known");
            return r.spec().orElseThrow();
        }
    }

    static List<ObservedVm> seedInventory() throws Exception {
        return InventoryFile.parse(Files.readString(Path.of("../examples/seed/inventory.json")));
    }

    @Test
    void importedVms_areAdoptedWithoutDrift_andTheNewHostIsCreatedFromTheTemplatesVirtio0() throws Exception {
        PlanDraft d = DiffEngine.diff(seedSpec(), seedInventory(), Map.of());
        assertEquals(List.<SpecProblem>of(), d.errors());
        for (String imported : List.of("services", "media", "dev")) {
            PlannedChange c = d.changes().stream().filter(x -> x.host().equals(imported)).findFirst().orElseThrow();
            assertEquals(PlanDraft.ADOPT, c.action(), imported);
            assertTrue(c.changes().stream().noneMatch(l -> l.startsWith("#")), imported + " shows drift: " + c.changes());
        }
        PlannedChange cache = d.changes().stream().filter(x -> x.host().equals("cache")).findFirst().orElseThrow();
        assertEquals(PlanDraft.CREATE, cache.action());
        assertTrue(cache.changes().contains("diskInterface = \"virtio0\" (from template 9003)"), cache.changes().toString());
        assertTrue(cache.changes().contains("cpuType = \"x86-64-v2-AES\" (default)"), cache.changes().toString());
        assertTrue(cache.changes().contains("onBoot = false (default)"), cache.changes().toString());
        assertTrue(cache.changes().contains("tags = [\"opentofu\", \"nixos\", \"managed\"] (default)"),
                cache.changes().toString());
        assertTrue(cache.changes().contains("description = \"Managed by fleetplane - cache\" (default)"),
                cache.changes().toString());
        assertTrue(cache.attributes().contains(new AttributeChange("diskInterface", null, "virtio0", false)));
        assertEquals(List.of("laptop"), d.unmanaged());
        assertEquals(3, d.toAdopt());
        assertEquals(1, d.toAdd());
        assertEquals(0, d.toChange());
        assertTrue(d.hasChanges(), "a create is a change: --detailed-exitcode exits 2");
    }

    @Test
    void onceAdopted_theImportedVmsAreNoOps_whatTheirIgnoreListsCover_neverBecomesAnUpdate() throws Exception {
        HostsSpec spec = seedSpec();
        List<ObservedVm> inventory = seedInventory();
        PlanDraft d = DiffEngine.diff(spec, inventory, OfflineState.assumeManaged(spec, inventory));
        assertEquals(List.<SpecProblem>of(), d.errors());
        for (String imported : List.of("services", "media", "dev")) {
            PlannedChange c = d.changes().stream().filter(x -> x.host().equals(imported)).findFirst().orElseThrow();
            assertEquals(PlanDraft.NO_OP, c.action(), imported + ": " + c.changes());
        }
        assertEquals(0, d.toChange());
        assertEquals(1, d.toAdd());
    }

    @Test
    void withoutItsIgnoreList_theSameImportedVmWouldDrift() throws Exception {
        // The control: the inventory really differs where the lists say; dropping dev's list shows it.
        String json = new String(SeedCompatibilityTest.class.getResourceAsStream("/seed/hosts.json").readAllBytes());
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("dev").path("proxmox")).remove("ignoreChangesExtra");
        HostsSpec spec = SpecValidator.validate(tree).spec().orElseThrow();
        List<ObservedVm> inventory = seedInventory();
        PlanDraft d = DiffEngine.diff(spec, inventory, OfflineState.assumeManaged(spec, inventory));
        PlannedChange dev = d.changes().stream().filter(x -> x.host().equals("dev")).findFirst().orElseThrow();
        assertEquals(PlanDraft.UPDATE, dev.action());
        assertEquals(List.of("cpuType: \"host\" → \"qemu64\"", "tags: [\"dev\"] → []"), dev.changes());
    }
}
