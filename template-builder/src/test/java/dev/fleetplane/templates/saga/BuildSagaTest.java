package dev.fleetplane.templates.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.templates.TemplateReady;
import dev.fleetplane.events.templates.TemplateRejected;
import dev.fleetplane.events.templates.TemplateSmokeTested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildSagaTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private final BuildSaga saga = new BuildSaga(new BuildSaga.Probing(Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofSeconds(8), Duration.ofSeconds(30)));

    private static Build fresh(String route) {
        return new BuildRequest("nixos", "/recipes/template", route, "pve", "local-lvm", 600, "ci")
                .toBuild("b-1", T0).withArtifact("/w/b-1/x.vma.zst", "vma", 1000, "ab".repeat(32)).markChecked();
    }

    private static <T> T only(Move m, EventKind<T> kind) {
        List<Object> found = m.out().stream().filter(o -> o.kind().equals(kind)).map(o -> (Object) o.payload()).toList();
        assertEquals(1, found.size(), "one " + kind.type() + " in " + m.out());
        return kind.dataType().cast(found.get(0));
    }

    @Test
    void theHappyPath_restoresClonesProbesAndConverts() {
        Build b = fresh("sftp").withVolid("local:backup/vzdump-qemu-fleetplane-nixos-2026_12_07-10_00_00.vma.zst");
        Move m = saga.uploadedOverSftp(b, 1000);
        assertEquals(BuildState.REGISTERING, m.build().state());
        RestoreVm restore = only(m, EventCatalog.RESTORE_VM);
        assertNull(restore.vmid(), "the adapter allocates the candidate's VMID");
        assertTrue(restore.unique());

        m = saga.candidateCreated(m.build(), 9040);
        CloneVm clone = only(m, EventCatalog.CLONE_VM);
        assertEquals(9040, clone.templateVmid());
        assertEquals(0, clone.vmid());
        assertTrue(clone.full(), "a full clone: the candidate is no template yet");
        m = saga.probeCloned(m.build(), 9041, 9040);
        assertEquals(BuildState.PROBE_STARTING, m.build().state());
        m = saga.probeStarted(m.build(), 9041, T0);
        assertEquals(9041, only(m, EventCatalog.QUERY_GUEST_NETWORK).vmid());
        m = saga.agentAnswered(m.build(), 9041, null, "guest agent not-running: QEMU guest agent is not running",
                T0.plusSeconds(1));
        assertTrue(m.out().isEmpty());
        assertEquals(T0.plusSeconds(2), m.build().nextQueryAt(), "asked again after the first backoff");
        m = saga.agentAnswered(m.build(), 9041, "10.0.0.7", null, T0.plusSeconds(3));
        assertEquals(BuildState.LOGGING_IN, m.build().state());
        assertEquals("10.0.0.7", m.build().probeAddress());
        m = saga.loggedIn(m.build());
        StopVm stop = only(m, EventCatalog.STOP_VM);
        assertFalse(stop.graceful());
        m = saga.probeStopped(m.build(), 9041);
        assertEquals(9041, only(m, EventCatalog.DESTROY_VM).vmid());
        m = saga.destroyed(m.build(), 9041, T0.plusSeconds(20));
        TemplateSmokeTested smoke = only(m, EventCatalog.TEMPLATE_SMOKE_TESTED);
        assertEquals(20_000, smoke.durationMillis());
        assertEquals(9040, only(m, EventCatalog.CONVERT_TO_TEMPLATE).vmid());
        m = saga.templated(m.build(), 9040);
        assertEquals(BuildState.READY, m.build().state());
        TemplateReady ready = only(m, EventCatalog.TEMPLATE_READY);
        assertEquals(9040, ready.vmid());
        assertEquals("ab".repeat(32), ready.sha256());
    }

    @Test
    void theApiRoute_uploadsThroughTheAdapterThenImports() {
        Move m = saga.checkedForApi(fresh("api"), "local", "nixos-1.qcow2");
        assertEquals(BuildState.UPLOADING, m.build().state());
        assertEquals("local", only(m, EventCatalog.UPLOAD_IMAGE).storage());
        m = saga.imageUploaded(m.build(), "local:import/nixos-1.qcow2", 1000, "scsi0", Map.of("agent", "1"));
        assertEquals(BuildState.REGISTERING, m.build().state());
        assertEquals("local:import/nixos-1.qcow2", only(m, EventCatalog.IMPORT_VM).importFrom());
        assertEquals("local:import/nixos-1.qcow2", only(m, EventCatalog.TEMPLATE_UPLOADED).volid());
    }

    @Test
    void noAddressByTheDeadline_destroysProbeThenCandidate_thenRejects() {
        Build b = saga.candidateCreated(fresh("sftp").in(BuildState.REGISTERING), 9040).build();
        b = saga.probeCloned(b, 9041, 9040).build();
        b = saga.probeStarted(b, 9041, T0).build();
        Move m = saga.agentAnswered(b, 9041, null, "guest agent not-running: QEMU guest agent is not running",
                T0.plusSeconds(1));
        m = saga.due(m.build(), T0.plus(Duration.ofMinutes(5)));
        assertEquals(BuildState.CLEANING_STOP_PROBE, m.build().state());
        assertEquals(9041, only(m, EventCatalog.STOP_VM).vmid());
        assertTrue(m.build().reason().contains("QEMU guest agent is not running"), m.build().reason());
        m = saga.probeStopped(m.build(), 9041);
        assertEquals(9041, only(m, EventCatalog.DESTROY_VM).vmid());
        m = saga.destroyed(m.build(), 9041, T0);
        DestroyVm candidate = only(m, EventCatalog.DESTROY_VM);
        assertEquals(9040, candidate.vmid());
        m = saga.destroyed(m.build(), 9040, T0);
        assertEquals(BuildState.REJECTED, m.build().state());
        TemplateRejected rejected = only(m, EventCatalog.TEMPLATE_REJECTED);
        assertEquals("smoke-test", rejected.step());
    }

    @Test
    void aDueQuery_isSentAgain_andAnUnansweredOneToo() {
        Build b = saga.candidateCreated(fresh("sftp").in(BuildState.REGISTERING), 9040).build();
        b = saga.probeStarted(saga.probeCloned(b, 9041, 9040).build(), 9041, T0).build();
        assertTrue(saga.due(b, T0.plusSeconds(29)).out().isEmpty(), "the first query waits for its answer");
        Move m = saga.due(b, T0.plusSeconds(30));
        QueryGuestNetwork q = only(m, EventCatalog.QUERY_GUEST_NETWORK);
        assertEquals(9041, q.vmid());
        assertEquals(2, m.build().queries());
    }

    @Test
    void aFailedRestore_destroysTheVmProxmoxLeft() {
        Build b = fresh("sftp").in(BuildState.REGISTERING);
        Move m = saga.adapterFailed(b, "restore", 9040, "task-failed: restore failed");
        assertEquals(BuildState.CLEANING_DESTROY_CANDIDATE, m.build().state());
        assertEquals(9040, only(m, EventCatalog.DESTROY_VM).vmid());
        assertEquals("register", m.build().failedStep());
    }

    @Test
    void aFailureWithNothingCreated_rejectsAtOnce() {
        Move m = saga.fail(fresh("sftp"), "check", "truncated");
        assertEquals(BuildState.REJECTED, m.build().state());
        assertEquals("truncated", only(m, EventCatalog.TEMPLATE_REJECTED).reason());
    }

    @Test
    void aCleanupStepThatFails_goesOn_andNamesWhatIsLeft() {
        Build b = saga.candidateCreated(fresh("sftp").in(BuildState.REGISTERING), 9040).build();
        b = saga.probeCloned(b, 9041, 9040).build();
        Move m = saga.adapterFailed(b, "start", 9041, "task-failed: boom");
        assertEquals(BuildState.CLEANING_STOP_PROBE, m.build().state());
        m = saga.adapterFailed(m.build(), "stop", 9041, "locked: VM is locked");
        assertEquals(BuildState.CLEANING_DESTROY_CANDIDATE, m.build().state());
        m = saga.destroyed(m.build(), 9040, T0);
        TemplateRejected rejected = only(m, EventCatalog.TEMPLATE_REJECTED);
        assertTrue(rejected.reason().contains("VM 9041"), rejected.reason());
        assertEquals("smoke-test", rejected.step());
    }

    @Test
    void answersThatDoNotFitTheState_changeNothing() {
        Build b = fresh("sftp").in(BuildState.PROBE_CLONING).withCandidate(9040);
        assertFalse(saga.probeStarted(b, 9041, T0).changed(b));
        assertFalse(saga.probeCloned(b, 9041, 7777).changed(b), "a clone of another template is not our probe");
        assertFalse(saga.templated(b, 9040).changed(b));
        Build done = b.in(BuildState.READY);
        assertFalse(saga.adapterFailed(done, "destroy", 9031, "x").changed(done));
    }
}
