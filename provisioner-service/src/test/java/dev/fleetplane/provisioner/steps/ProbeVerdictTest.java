package dev.fleetplane.provisioner.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.provisioner.steps.ProbeVerdict.Answer;
import org.junit.jupiter.api.Test;

class ProbeVerdictTest {

    private static final String OLD = "/nix/store/aaa-nixos-system-web1";
    private static final String NEW = "/nix/store/bbb-nixos-system-web1";

    @Test
    void anotherSystemThanBeforeTheRebuild_isASwitch_whateverTheRebuildSaid() {
        for (boolean exited0 : new boolean[] {true, false}) {
            ProbeVerdict v = ProbeVerdict.atLogin(OLD, exited0, NEW);
            assertEquals(Answer.SWITCHED, v.answer());
            assertTrue(v.confirmed());
            assertEquals("switched: " + OLD + " -> " + NEW, v.reason());
        }
    }

    @Test
    void noSystemReadBeforeTheRebuild_countsAsSwitched() {
        assertEquals(Answer.SWITCHED, ProbeVerdict.atLogin(null, false, NEW).answer());
    }

    @Test
    void theOldSystemAfterARebuildThatExited0_isConfirmedUnchanged() {
        ProbeVerdict v = ProbeVerdict.atLogin(OLD, true, OLD);
        assertEquals(Answer.UNCHANGED, v.answer());
        assertTrue(v.confirmed());
    }

    @Test
    void theOldSystemAfterADroppedConnection_isNotSwitched_cutOffOrRolledBack() {
        ProbeVerdict v = ProbeVerdict.atLogin(OLD, false, OLD);
        assertEquals(Answer.NOT_SWITCHED, v.answer());
        assertFalse(v.confirmed());
        assertTrue(v.reason().contains("still " + OLD), v.reason());
    }

    @Test
    void aSystemThatChangedWhileTheWatchdogWasStopped_isARollback() {
        ProbeVerdict v = ProbeVerdict.atLogin(OLD, false, NEW).afterDisarm(NEW, OLD);
        assertEquals(Answer.ROLLED_BACK, v.answer());
        assertFalse(v.confirmed());
        assertEquals("the watchdog rolled back to " + OLD + " just before it was disarmed", v.reason());
    }

    @Test
    void theSameSystemAfterTheDisarm_keepsTheVerdictAtLogin() {
        ProbeVerdict atLogin = ProbeVerdict.atLogin(OLD, true, OLD);
        assertSame(atLogin, atLogin.afterDisarm(OLD, OLD));
    }

    @Test
    void aWatchdogThatCouldNotBeStopped_confirmsNothing() {
        ProbeVerdict v = ProbeVerdict.disarmRefused("10.0.0.7", "ops", 1, "sudo: a password is required");
        assertEquals(Answer.DISARM_REFUSED, v.answer());
        assertFalse(v.confirmed());
        assertTrue(v.reason().contains("is ops allowed passwordless sudo?"), v.reason());
        assertTrue(v.reason().endsWith(": sudo: a password is required"), v.reason());
    }

    @Test
    void anAddressWithAnotherHostKey_isAnotherMachine() {
        ProbeVerdict v = ProbeVerdict.noLogin("web1", "10.0.0.7", true, "host key changed");
        assertEquals(Answer.ANOTHER_MACHINE, v.answer());
        assertFalse(v.confirmed());
        assertTrue(v.reason().startsWith("10.0.0.7 answers with another host key, so it is not web1"), v.reason());
    }

    @Test
    void anAddressWithoutLogin_isNotAnsweringYet_withTheLoginsWords() {
        ProbeVerdict v = ProbeVerdict.noLogin("web1", "10.0.0.7", false, "connection refused");
        assertEquals(Answer.NOT_ANSWERING, v.answer());
        assertFalse(v.confirmed());
        assertEquals("connection refused", v.reason());
    }

    @Test
    void beforeARebuild_anotherSystemThanRecorded_meansTheSwitchHappenedBeforeARestart() {
        assertTrue(ProbeVerdict.switchedBeforeRestart(OLD, NEW));
        assertFalse(ProbeVerdict.switchedBeforeRestart(OLD, OLD));
        assertFalse(ProbeVerdict.switchedBeforeRestart(null, NEW));
    }
}
