package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.proxmox.client.PveException.Failure;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private static final PveCall CLONE = new PveCall("clone", "POST",
            "https://pve.lan:8006/api2/json/nodes/pve/qemu/9003/clone", "fleetplane@pve!adapter");

    private static PveException fail(int status, String reason, String body) {
        return assertThrows(PveException.class, () -> ResponseReader.envelope(CLONE, status, reason, body));
    }

    @Test
    void success_returnsTheEnvelope() {
        var root = ResponseReader.envelope(CLONE, 200, "OK",
                "{\"data\":\"UPID:pve-mp:00000ACD:00006AE8:679A423B:qmclone:112:capmox@pve!capi:\"}");
        assertEquals("UPID:pve-mp:00000ACD:00006AE8:679A423B:qmclone:112:capmox@pve!capi:", root.get("data").asText());
    }

    @Test
    void unauthorized_withEmptyBody_namesUrlOperationAndTokenId() {
        PveException e = fail(401, "authentication failure", "");
        assertEquals(Failure.UNAUTHORIZED, e.failure());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains(CLONE.url()), e.getMessage());
        assertTrue(e.getMessage().startsWith("clone failed"), e.getMessage());
        assertTrue(e.getMessage().contains("fleetplane@pve!adapter"), e.getMessage());
        assertTrue(e.getMessage().contains("authentication failure"), e.getMessage());
        assertEquals(401, e.httpStatus());
    }

    @Test
    void forbidden_hintsAtTokenPrivilegeSeparation() {
        PveException e = fail(403, "Permission check failed (/vms/111, VM.Clone)", "{\"data\":null}");
        assertEquals(Failure.FORBIDDEN, e.failure());
        assertTrue(e.getMessage().contains("token without ACLs? Proxmox tokens have privilege separation"), e.getMessage());
        assertTrue(e.getMessage().contains("VM.Clone"), e.getMessage());
    }

    @Test
    void missingConfig_isNotFound_evenThoughProxmoxSays500() {
        PveException e = fail(500, "Configuration file 'nodes/pve/qemu-server/9003.conf' does not exist",
                "{\"data\":null,\"message\":\"Configuration file 'nodes/pve/qemu-server/9003.conf' does not exist\\n\"}");
        assertEquals(Failure.NOT_FOUND, e.failure());
        assertEquals("Configuration file 'nodes/pve/qemu-server/9003.conf' does not exist", e.pveMessage());
    }

    @Test
    void lockTimeout_isLockedAndRetryable() {
        PveException e = fail(500, "can't lock file '/var/lock/qemu-server/lock-111.conf' - got timeout", "{\"data\":null}");
        assertEquals(Failure.LOCKED, e.failure());
        assertTrue(e.retryable());
        assertEquals(Failure.LOCKED, fail(500, "VM is locked (clone)", "{\"data\":null}").failure());
    }

    @Test
    void existingVmid_isAlreadyExists() {
        assertEquals(Failure.ALREADY_EXISTS,
                fail(500, "unable to create VM 111: config file already exists", "{\"data\":null}").failure());
        PveException probe = fail(400, "Parameter verification failed.",
                "{\"errors\":{\"vmid\":\"VM 111 already exists\"},\"data\":null}");
        assertEquals(Failure.ALREADY_EXISTS, probe.failure());
    }

    @Test
    void parameterErrors_areKeptPerField() {
        PveException e = fail(400, "Parameter verification failed.",
                "{\"errors\":{\"sshkeys\":\"invalid urlencoded string: ssh-ed25519 AAAA\",\"cores\":\"type check ('integer') failed - got 'x'\"},"
                        + "\"data\":null,\"message\":\"Parameter verification failed.\\n\"}");
        assertEquals(Failure.INVALID_PARAMETER, e.failure());
        assertEquals("invalid urlencoded string: ssh-ed25519 AAAA", e.parameterErrors().get("sshkeys"));
        assertTrue(e.getMessage().contains("cores: type check ('integer') failed - got 'x'"), e.getMessage());
    }

    @Test
    void agentStates_areTellApart() {
        assertEquals(Failure.AGENT_NOT_CONFIGURED, fail(500, "No QEMU guest agent configured", "").failure());
        assertEquals(Failure.AGENT_NOT_RUNNING,
                fail(500, "Internal Server Error", "{\"data\":null,\"message\":\"QEMU guest agent is not running\\n\"}").failure());
        assertEquals(Failure.VM_NOT_RUNNING, fail(500, "VM 111 is not running", "").failure());
        assertEquals(Failure.AGENT_NOT_RUNNING,
                fail(500, "VM 111 qga command 'guest-network-get-interfaces' failed - got timeout", "").failure());
    }

    @Test
    void proxyErrors_areTransient() {
        assertEquals(Failure.TRANSIENT, fail(596, "Connection timed out", "").failure());
        assertEquals(Failure.TRANSIENT, fail(500, "got no worker upid - start worker failed", "").failure());
        assertTrue(fail(599, "Too many redirections", "").retryable());
    }

    @Test
    void messageField_winsOverAGenericReasonPhrase() {
        PveException e = fail(500, "Internal Server Error",
                "{\"data\":null,\"message\":\"VM 111 is running - destroy failed\\n\"}");
        assertEquals("VM 111 is running - destroy failed", e.pveMessage());
    }

    @Test
    void htmlInsteadOfJson_isBadResponse() {
        PveException e = fail(200, "OK", "<!DOCTYPE html><html><head><title>Proxmox Virtual Environment</title>");
        assertEquals(Failure.BAD_RESPONSE, e.failure());
        assertTrue(e.getMessage().contains("HTML"), e.getMessage());
    }

    @Test
    void truncatedJson_isBadResponse() {
        assertEquals(Failure.BAD_RESPONSE, fail(200, "OK", "{\"data\":[{\"vmid\":100,\"name\":\"a").failure());
    }

    @Test
    void jsonWithoutEnvelope_isBadResponse() {
        assertEquals(Failure.BAD_RESPONSE, fail(200, "OK", "[1,2,3]").failure());
        assertEquals(Failure.BAD_RESPONSE, fail(200, "OK", "").failure());
    }
}
