package dev.fleetplane.plancore.plan;

import static dev.fleetplane.plancore.plan.DiffEngineTest.TEMPLATE;
import static dev.fleetplane.plancore.plan.DiffEngineTest.change;
import static dev.fleetplane.plancore.plan.DiffEngineTest.web;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemovalTest {

    @Test
    void plan_destroysAHostFleetplaneCreated_thoughNeitherTheSpecNorTheHostAllowedIt() throws Exception {
        PlanDraft d = Removal.plan(web(""), "web", List.of(TEMPLATE, web(2, 4096, 32, null)),
                Map.of("web", ManagedHost.created(111)));
        assertEquals(PlanDraft.DESTROY, change(d, "web").action());
        assertEquals(1, d.toDestroy());
    }

    @Test
    void plan_forgetsAnAdoptedOrReadonlyHost() throws Exception {
        List<dev.fleetplane.events.pve.ObservedVm> vms = List.of(TEMPLATE, web(2, 4096, 32, null));
        assertEquals(PlanDraft.FORGET, change(Removal.plan(web(""), "web", vms,
                Map.of("web", ManagedHost.adopted(111))), "web").action());
        assertEquals(PlanDraft.FORGET, change(Removal.plan(web(""), "web", vms,
                Map.of("web", new ManagedHost(111, false, false, true))), "web").action());
    }

    @Test
    void without_dropsOnlyThatHost_andAllowingDestroyKeepsTheOthersAsTheyWere() throws Exception {
        assertEquals(List.of(), Removal.without(web(""), "web").hostNames());
        Map<String, ManagedHost> managed = Map.of("web", ManagedHost.adopted(111), "db", ManagedHost.created(112));
        Map<String, ManagedHost> out = Removal.allowingDestroy(managed, "web");
        assertEquals(new ManagedHost(111, true, true, false), out.get("web"));
        assertEquals(ManagedHost.created(112), out.get("db"));
    }
}
