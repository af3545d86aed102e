package dev.fleetplane.pvesim.console;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class QmTerminalRequestTest {

    @Test
    void aPlainCall_defaultsToTheFirstSocketSerialAndCtrlO() {
        QmTerminalRequest.Parsed p = QmTerminalRequest.parse("terminal\tpve\t110\t-\t^O");
        assertNull(p.error());
        assertEquals(new QmTerminalRequest("pve", 110, null, 0x0f), p.request());
    }

    @Test
    void escape_acceptsQmsThreeForms_andZeroMeansNone() {
        assertEquals(0x1d, QmTerminalRequest.escape("^]"));
        assertEquals(0x1d, QmTerminalRequest.escape("0x1D"));
        assertEquals(29, QmTerminalRequest.escape("29"));
        assertEquals(0, QmTerminalRequest.escape("0"));
        assertNull(QmTerminalRequest.escape("ctrl-o"));
        assertEquals("invalid escape character definition: ctrl-o",
                QmTerminalRequest.parse("terminal\tpve\t110\tserial0\tctrl-o").error());
    }

    @Test
    void badParameters_failAsPvesSchemaCheckDoes() {
        assertEquals("400 Parameter verification failed.\nvmid: type check ('integer') failed - got 'web1'\n"
                + "qm terminal <vmid> [OPTIONS]", QmTerminalRequest.parse("terminal\tpve\tweb1\t-\t^O").error());
        assertEquals("400 Parameter verification failed.\n"
                + "iface: value 'serial9' does not have a value in the enumeration 'serial0, serial1, serial2, serial3'\n"
                + "vmid: value must have a minimum value of 100\nqm terminal <vmid> [OPTIONS]",
                QmTerminalRequest.parse("terminal\tpve\t99\tserial9\t^O").error());
        assertEquals("qm stand-in: malformed request from the node's qm script",
                QmTerminalRequest.parse("shell\tpve").error());
    }
}
