package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsSummaryTest {

    @Test
    void sumsTheFleetplaneSamplesOfEveryService_countsGaugeSeries_andSkipsCommentsAndOtherMetrics() {
        MetricsSummary summary = new MetricsSummary();
        summary.add("""
                # HELP fleetplane_events_handled_total events a consumer handled, per type
                # TYPE fleetplane_events_handled_total counter
                fleetplane_events_handled_total{consumer="planner-eventlog",type="fleetplane.vm.cloned.v1",} 3.0
                fleetplane_events_handled_total{consumer="reconciler",type="fleetplane.vm.cloned.v1"} 2.0
                fleetplane_consumer_lag{group="planner.desired",partition="0",topic="fleet.desired"} 0.0
                fleetplane_consumer_lag{group="planner.pve-events",partition="1",topic="pve.events"} 4.0
                fleetplane_outbox_backlog NaN
                jvm_threads_live_threads 42.0
                """);
        summary.add("""
                fleetplane_events_handled_total{consumer="proxmox-adapter",type="fleetplane.vm.clone-requested.v1"} 1.0 1733600000000
                fleetplane_pve_call_seconds_count{method="POST",operation="clone",outcome="ok"} 7.0
                fleetplane_pve_task_seconds_count{operation="clone",outcome="ok"} 1.0
                fleetplane_outbox_backlog 2.0
                """);
        assertEquals("metrics: events handled 6, dead-lettered 0, Proxmox calls 7, Proxmox tasks 1, provisioning steps 0,"
                + " lag series 2, consumer lag 4, outbox series 2, outbox backlog 2, console sessions 0", summary.render());
    }
}
