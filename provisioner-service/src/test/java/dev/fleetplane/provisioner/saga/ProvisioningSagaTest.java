package dev.fleetplane.provisioner.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.provisioner.ipresolution.AgentAnswer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProvisioningSagaTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ProvisioningSaga machine = new ProvisioningSaga(new ResolutionPolicy(
            Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(300), Duration.ofSeconds(15)),
            Duration.ofSeconds(120), 2);
    private final ProvisionHost command = new ProvisionHost("web1", "pve1", 111, "root",
            "nixos-rebuild switch --flake .#{host} --target-host {user}@{ip}");

    private Saga sent(Instant at) {
        Saga s = machine.start(command, "cmd-1", "corr-1", at);
        return ((ProvisioningSaga.Tick.SendQuery) machine.tick(s, at)).saga();
    }

    @Test
    void start_resolvesIpWithTheFirstQueryDueAtOnceAndTheDeadlineFromThePolicy() {
        Saga s = machine.start(command, "cmd-1", "corr-1", T0);

        assertEquals(SagaState.RESOLVING_IP, s.state());
        assertEquals(0, s.attempts());
        assertEquals(T0, s.nextQueryAt());
        assertEquals(T0.plusSeconds(300), s.deadline());
        assertEquals("corr-1", s.correlationId());
        assertEquals("cmd-1", s.lastEventId());
    }

    @Test
    void tick_ofAFreshSaga_sendsQueryOneAndAwaitsItsReply() {
        Saga s = sent(T0);

        assertEquals(1, s.attempts());
        assertTrue(s.awaitingReply());
        assertEquals(T0.plusSeconds(15), s.nextQueryAt(), "re-sent if unanswered within the reply timeout");
    }

    @Test
    void answerWithAddress_movesToRebuildingWithTheIpAndTheAnswerAsCause() {
        ProvisioningSaga.Reply r = machine.onAnswer(sent(T0), new AgentAnswer("10.0.0.5", null), "ev-9", T0.plusSeconds(1));

        Saga s = assertInstanceOf(ProvisioningSaga.Reply.Resolved.class, r).saga();
        assertEquals(SagaState.REBUILDING, s.state());
        assertEquals("10.0.0.5", s.ip());
        assertEquals(1, s.attempts());
        assertEquals("ev-9", s.lastEventId());
        assertNull(s.nextQueryAt());
    }

    @Test
    void answerWithoutAddress_schedulesTheNextQueryAfterBackoffAndKeepsTheReason() {
        Instant at = T0.plusMillis(100);
        ProvisioningSaga.Reply r = machine.onAnswer(sent(T0), new AgentAnswer(null, "guest agent not running"), "ev-2", at);

        ProvisioningSaga.Reply.Retry retry = assertInstanceOf(ProvisioningSaga.Reply.Retry.class, r);
        assertEquals(Duration.ofMillis(500), retry.delay());
        assertEquals(at.plusMillis(500), retry.saga().nextQueryAt());
        assertFalse(retry.saga().awaitingReply());
        assertEquals("guest agent not running", retry.saga().lastReason());
        assertInstanceOf(ProvisioningSaga.Tick.Wait.class, machine.tick(retry.saga(), at.plusMillis(499)));
        Saga second = assertInstanceOf(ProvisioningSaga.Tick.SendQuery.class, machine.tick(retry.saga(), at.plusMillis(500))).saga();
        assertEquals(2, second.attempts());
        assertEquals("ev-2", second.lastEventId(), "the next query is caused by the answer before it");
    }

    @Test
    void backoff_doublesWithEveryEmptyAnswerUpToTheMaximum() {
        Saga s = sent(T0);
        Instant now = T0;
        long[] expected = {500, 1000, 2000, 4000, 5000, 5000};
        for (long millis : expected) {
            ProvisioningSaga.Reply.Retry r = (ProvisioningSaga.Reply.Retry) machine.onAnswer(s,
                    new AgentAnswer(null, "no usable address yet"), "ev", now);
            assertEquals(Duration.ofMillis(millis), r.delay());
            now = r.saga().nextQueryAt();
            s = ((ProvisioningSaga.Tick.SendQuery) machine.tick(r.saga(), now)).saga();
        }
        assertEquals(expected.length + 1, s.attempts());
    }

    @Test
    void duplicateEmptyAnswer_whileNoQueryIsOut_onlyUpdatesTheReason() {
        ProvisioningSaga.Reply.Retry first = (ProvisioningSaga.Reply.Retry) machine.onAnswer(sent(T0),
                new AgentAnswer(null, "guest agent not running"), "ev-2", T0);

        ProvisioningSaga.Reply again = machine.onAnswer(first.saga(), new AgentAnswer(null, "VM not running"), "ev-3", T0);

        Saga s = assertInstanceOf(ProvisioningSaga.Reply.Noted.class, again).saga();
        assertEquals(first.saga().nextQueryAt(), s.nextQueryAt(), "no second schedule for the same query");
        assertEquals("VM not running", s.lastReason());
    }

    @Test
    void unansweredQuery_isSentAgainAfterTheReplyTimeoutNamingTheSilence() {
        Saga s = sent(T0);

        Saga again = assertInstanceOf(ProvisioningSaga.Tick.SendQuery.class, machine.tick(s, T0.plusSeconds(15))).saga();

        assertEquals(2, again.attempts());
        assertTrue(again.lastReason().contains("did not answer query 1"), again.lastReason());
    }

    @Test
    void deadlinePassed_givesUpWithTheLastReason() {
        ProvisioningSaga.Reply.Retry r = (ProvisioningSaga.Reply.Retry) machine.onAnswer(sent(T0),
                new AgentAnswer(null, "guest agent not configured on the VM"), "ev-2", T0.plusSeconds(1));

        ProvisioningSaga.Tick t = machine.tick(r.saga(), T0.plusSeconds(300));

        Saga failed = assertInstanceOf(ProvisioningSaga.Tick.GiveUp.class, t).saga();
        assertEquals(SagaState.FAILED, failed.state());
        assertTrue(failed.lastReason().contains("within 300 s after 1 query"), failed.lastReason());
        assertTrue(failed.lastReason().endsWith("last: guest agent not configured on the VM"), failed.lastReason());
    }

    @Test
    void nextQuery_isNeverScheduledPastTheDeadline() {
        Saga s = sent(T0);
        Instant late = T0.plusMillis(299_800);

        ProvisioningSaga.Reply.Retry r = (ProvisioningSaga.Reply.Retry) machine.onAnswer(s,
                new AgentAnswer(null, "no usable address yet"), "ev", late);

        assertEquals(s.deadline(), r.saga().nextQueryAt());
    }

    @Test
    void lateAddress_afterAnEmptyAnswer_stillResolves() {
        ProvisioningSaga.Reply.Retry r = (ProvisioningSaga.Reply.Retry) machine.onAnswer(sent(T0),
                new AgentAnswer(null, "no usable address yet"), "ev-2", T0);

        assertInstanceOf(ProvisioningSaga.Reply.Resolved.class,
                machine.onAnswer(r.saga(), new AgentAnswer("10.0.0.7", null), "ev-3", T0.plusMillis(10)));
    }

    @Test
    void answer_toASagaNoLongerResolving_changesNothing() {
        Saga rebuilding = ((ProvisioningSaga.Reply.Resolved) machine.onAnswer(sent(T0),
                new AgentAnswer("10.0.0.5", null), "ev", T0)).saga();

        assertInstanceOf(ProvisioningSaga.Reply.NotWaiting.class,
                machine.onAnswer(rebuilding, new AgentAnswer("10.0.0.6", null), "ev-x", T0));
        assertInstanceOf(ProvisioningSaga.Tick.Wait.class, machine.tick(rebuilding, T0.plusSeconds(999)));
    }

    private Saga rebuilding() {
        Saga r = ((ProvisioningSaga.Reply.Resolved) machine.onAnswer(sent(T0), new AgentAnswer("10.0.0.5", null), "ev",
                T0)).saga();
        return machine.beforeRebuild(r, "/nix/store/aaa-nixos-system-web1");
    }

    private Saga confirming(String outcome) {
        return machine.afterRebuild(rebuilding(), outcome, Duration.ofSeconds(40), java.util.List.of("switching..."),
                "nixos-rebuild switch --flake /etc/nixos#web1", T0.plusSeconds(60));
    }

    @Test
    void waitingForSsh_staysRebuilding_withTheReasonForOperators() {
        Saga waiting = machine.waitingForSsh(rebuilding(), "cannot connect to root@10.0.0.5:22: ConnectException:"
                + " Connection refused");

        assertEquals(SagaState.REBUILDING, waiting.state());
        assertEquals("waiting for sshd: cannot connect to root@10.0.0.5:22: ConnectException: Connection refused",
                waiting.lastReason());
        assertThrows(IllegalStateException.class, () -> machine.waitingForSsh(confirming(Saga.EXITED_0), "late"));
    }

    @Test
    void afterRebuild_keepsTheCommandLineAsItRan_alsoForAConfirmationAfterARestart() {
        Saga confirming = confirming(Saga.CONNECTION_LOST);
        assertEquals("nixos-rebuild switch --flake /etc/nixos#web1", confirming.rebuildRan());

        Saga notSwitched = machine.notSwitched(confirming, "10.0.0.6", "/nix/store/aaa-nixos-system-web1");
        Saga resumed = machine.alreadySwitched(notSwitched, T0.plusSeconds(90));
        assertEquals("nixos-rebuild switch --flake /etc/nixos#web1", resumed.rebuildRan());
    }

    @Test
    void beforeRebuild_keepsTheFirstSystemSeen_andCountsRuns() {
        Saga once = rebuilding();
        Saga twice = machine.beforeRebuild(once, "/nix/store/bbb-other");

        assertEquals("/nix/store/aaa-nixos-system-web1", twice.systemBefore(), "what a rollback returns to");
        assertEquals(2, twice.rebuildRuns());
    }

    @Test
    void droppedConnection_confirmsWithinTheConfirmTimeout_queryingAtOnce() {
        Saga s = confirming(Saga.CONNECTION_LOST);

        assertEquals(SagaState.CONFIRMING, s.state());
        assertEquals(java.util.List.of("switching..."), s.rebuildTail(), "kept for the events after a restart");
        assertEquals(T0.plusSeconds(60 + 120), s.deadline());
        assertEquals(0, s.attempts());
        Saga q = assertInstanceOf(ProvisioningSaga.Tick.SendQuery.class, machine.tick(s, T0.plusSeconds(60))).saga();
        assertEquals(1, q.attempts());
    }

    @Test
    void addressAfterTheSwitch_isProbed_oneProbeAtATime() {
        Saga q = ((ProvisioningSaga.Tick.SendQuery) machine.tick(confirming(Saga.CONNECTION_LOST), T0.plusSeconds(60))).saga();

        ProvisioningSaga.Reply.Probe p = assertInstanceOf(ProvisioningSaga.Reply.Probe.class,
                machine.onAnswer(q, new AgentAnswer("10.0.0.9", null), "ev-7", T0.plusSeconds(61)));

        assertEquals("10.0.0.9", p.address());
        assertTrue(p.saga().probing());
        assertEquals("10.0.0.5", p.saga().ip(), "the confirmed address changes only when the probe succeeds");
        assertInstanceOf(ProvisioningSaga.Reply.NotWaiting.class,
                machine.onAnswer(p.saga(), new AgentAnswer("10.0.0.9", null), "ev-8", T0.plusSeconds(62)));
        assertInstanceOf(ProvisioningSaga.Tick.Wait.class, machine.tick(p.saga(), T0.plusSeconds(63)));
    }

    @Test
    void failedProbe_asksAgainAfterBackoff_andConfirmedProbe_integratesAtTheNewAddress() {
        Saga q = ((ProvisioningSaga.Tick.SendQuery) machine.tick(confirming(Saga.CONNECTION_LOST), T0.plusSeconds(60))).saga();
        Saga probing = ((ProvisioningSaga.Reply.Probe) machine.onAnswer(q, new AgentAnswer("10.0.0.5", null), "e",
                T0.plusSeconds(61))).saga();

        Saga retry = machine.probeFailed(probing, "connection refused", T0.plusSeconds(62));
        assertFalse(retry.probing());
        assertEquals(T0.plusSeconds(62).plusMillis(500), retry.nextQueryAt());
        assertEquals("connection refused", retry.lastReason());

        Saga done = machine.confirmed(probing, "10.0.0.9");
        assertEquals(SagaState.INTEGRATING, done.state());
        assertEquals("10.0.0.9", done.ip());
        assertEquals(SagaState.SUCCEEDED, machine.integrated(done).state());
    }

    @Test
    void confirmDeadline_failsAsRolledBack_namingTheUserAndTheGenerationReturnedTo() {
        Saga s = confirming(Saga.CONNECTION_LOST);

        Saga failed = assertInstanceOf(ProvisioningSaga.Tick.GiveUp.class, machine.tick(s, s.deadline())).saga();

        assertEquals("confirm", failed.failedStep());
        assertTrue(failed.lastReason().startsWith("rolled back: unreachable after switch"), failed.lastReason());
        assertTrue(failed.lastReason().contains("as root"), failed.lastReason());
        assertTrue(failed.lastReason().contains("/nix/store/aaa-nixos-system-web1"), failed.lastReason());
    }

    @Test
    void notSwitched_rebuildsAgain_untilTheRunsAreUsedUp() {
        Saga probing = machine.confirmed(confirming(Saga.CONNECTION_LOST), "x").edit().state(SagaState.CONFIRMING)
                .build();
        Saga again = machine.notSwitched(probing, "10.0.0.5", "/nix/store/aaa-nixos-system-web1");
        assertEquals(SagaState.REBUILDING, again.state());

        Saga second = machine.beforeRebuild(again, "/nix/store/aaa-nixos-system-web1");
        Saga confirmingAgain = machine.afterRebuild(second, Saga.CONNECTION_LOST, Duration.ofSeconds(1), java.util.List.of(),
                "nixos-rebuild switch --flake /etc/nixos#web1", T0);
        Saga failed = machine.notSwitched(confirmingAgain, "10.0.0.5", "/nix/store/aaa-nixos-system-web1");
        assertEquals(SagaState.FAILED, failed.state());
        assertEquals("confirm", failed.failedStep());
        assertTrue(failed.lastReason().contains("after 2 rebuild run(s)"), failed.lastReason());
    }

    @Test
    void resume_ofARebuild_asksTheAgentForTheCurrentAddressFirst_andKeepsTheOldOneToCompare() {
        Saga left = rebuilding();
        Saga r = machine.resume(left, T0.plusSeconds(600));
        assertEquals(SagaState.RESOLVING_IP, r.state());
        assertEquals(left.ip(), r.ip(), "kept, so the answer can say whether the guest moved");
        assertEquals(0, r.attempts());
        assertEquals(T0.plusSeconds(600), r.nextQueryAt(), "the first query is due at once");
        assertEquals(T0.plusSeconds(900), r.deadline());
        assertEquals(left.rebuildRuns(), r.rebuildRuns(), "the dead run's rebuild counts");
        assertEquals(ProvisioningSaga.RESUMED_REASON, r.lastReason());

        Saga moved = assertInstanceOf(ProvisioningSaga.Reply.Resolved.class, machine.onAnswer(
                ((ProvisioningSaga.Tick.SendQuery) machine.tick(r, T0.plusSeconds(600))).saga(),
                new AgentAnswer("10.0.0.77", null), "ev-77", T0.plusSeconds(601))).saga();
        assertEquals(SagaState.REBUILDING, moved.state());
        assertEquals("10.0.0.77", moved.ip());

        Saga integrating = machine.confirmed(confirming(Saga.EXITED_0), "10.0.0.9");
        assertEquals(integrating, machine.resume(integrating, T0), "an integration resumes as it is");
    }

    @Test
    void retry_beforeTheSwitch_resolvesAgain_afterIt_confirmsAgain() {
        Saga failedAtRebuild = machine.failed(rebuilding(), "rebuild", "exit status 1");
        Saga r1 = machine.retry(failedAtRebuild, T0.plusSeconds(500));
        assertEquals(SagaState.RESOLVING_IP, r1.state());
        assertEquals(T0.plusSeconds(500), r1.nextQueryAt());
        assertEquals(0, r1.rebuildRuns());
        assertNull(r1.failedStep());
        assertEquals("/nix/store/aaa-nixos-system-web1", r1.systemBefore(), "kept: the switch may have happened");

        Saga failedAtConfirm = assertInstanceOf(ProvisioningSaga.Tick.GiveUp.class,
                machine.tick(confirming(Saga.CONNECTION_LOST), T0.plusSeconds(999))).saga();
        Saga r2 = machine.retry(failedAtConfirm, T0.plusSeconds(1000));
        assertEquals(SagaState.CONFIRMING, r2.state());
        assertEquals(T0.plusSeconds(1120), r2.deadline());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> machine.retry(r2, T0));
        assertTrue(e.getMessage().contains("only a failed provisioning can be retried"), e.getMessage());
    }

    @Test
    void workerResult_ofASagaInAnotherState_isAProgrammingError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> machine.confirmed(sent(T0), "x"));
        assertTrue(e.getMessage().contains("web1 is resolving-ip"), e.getMessage());
    }
}
