package dev.fleetplane.pvesim.console;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** termproxy's message parsing and the VNC ticket binding. */
class TermProtocolTest {

    private static String run(String input, List<String> resizes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TermProtocol(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out::writeBytes,
                (c, r) -> resizes.add(c + "x" + r)).run();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dataResizeAndPing_coalesced_andUtf8LengthsInBytes() throws Exception {
        List<String> resizes = new ArrayList<>();
        assertEquals("ls\ré", run("0:3:ls\r21:120:40:x0:2:é", resizes));
        assertEquals(List.of("120x40"), resizes);
    }

    @Test
    void anOverlongLengthField_isDiscarded() throws Exception {
        assertEquals("ok", run("0:123456789012345678901234:zz0:2:ok", new ArrayList<>()));
    }

    @Test
    void vncTicket_isBoundToUserPathAndPort() {
        VncTickets tickets = new VncTickets();
        String t = tickets.issue("root@pam", "/vms/110", 5901);
        assertTrue(t.matches("PVEVNC:[0-9A-F]{8}::\\S+"), t);
        assertTrue(tickets.valid(t, "root@pam", "/vms/110", 5901));
        assertFalse(tickets.valid(t, "root@pam", "/vms/110", 5902));
        assertFalse(tickets.valid(t, "ops@pve", "/vms/110", 5901));
        assertFalse(tickets.valid(t, "root@pam", "/vms/111", 5901));
        assertFalse(new VncTickets().valid(t, "root@pam", "/vms/110", 5901));
        String old = "PVEVNC:" + String.format("%08X", System.currentTimeMillis() / 1000 - 41) + t.substring(15);
        assertFalse(tickets.valid(old, "root@pam", "/vms/110", 5901));
    }
}
