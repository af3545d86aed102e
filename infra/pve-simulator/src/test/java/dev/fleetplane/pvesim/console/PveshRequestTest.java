package dev.fleetplane.pvesim.console;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveshRequestTest {

    @Test
    void theGatewaysCall_inEitherOptionForm_isAccepted() {
        PveshRequest.Parsed p = PveshRequest.parse("pvesh\tget\t/cluster/resources\t--type\tvm\t--output-format\tjson");
        assertNull(p.error());
        assertEquals(new PveshRequest(false), p.request());
        assertEquals(new PveshRequest(true),
                PveshRequest.parse("pvesh\tget\t/cluster/resources/\t--output-format=json-pretty\t-type=vm").request());
    }

    @Test
    void anythingElse_isRefused_namingWhatWasAskedAndWhatIsSimulated() {
        String other = PveshRequest.parse("pvesh\tget\t/nodes").error();
        assertEquals("pvesh (pve-simulator stand-in): " + PveshRequest.SIMULATED + ", got 'pvesh get /nodes'", other);
        assertEquals("pvesh (pve-simulator stand-in): --type storage in 'pvesh get /cluster/resources --type storage"
                        + " --output-format json'; " + PveshRequest.SIMULATED,
                PveshRequest.parse("pvesh\tget\t/cluster/resources\t--type\tstorage\t--output-format\tjson").error());
        assertTrue(PveshRequest.parse("pvesh\tget\t/cluster/resources\t--type\tvm").error()
                .contains("no --output-format (the text table is not simulated)"));
        assertTrue(PveshRequest.parse("pvesh\tget\t/cluster/resources\t--type\tvm\t--output-format\tjson\t--noborder\t1")
                .error().contains("option '--noborder' is not simulated"));
        assertTrue(PveshRequest.parse("pvesh\tget\t/cluster/resources\tvm").error()
                .contains("unexpected argument 'vm'"));
        assertTrue(PveshRequest.parse("pvesh\tset\t/cluster/resources").error().contains(", got 'pvesh set"));
        assertEquals("pvesh stand-in: malformed request from the node's pvesh script",
                PveshRequest.parse("terminal\tx").error());
    }
}
