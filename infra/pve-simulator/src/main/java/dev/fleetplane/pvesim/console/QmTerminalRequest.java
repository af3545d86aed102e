package dev.fleetplane.pvesim.console;

import java.util.Locale;

/**
 * One {@code qm terminal} call as the node's {@code qm} script forwards it ({@code terminal TAB node TAB vmid TAB
 * iface-or-"-" TAB escape}), checked as qm checks it before loading the config: the parameters against the schema
 * (pve-vmid 100–999999999, iface serial0–3; messages in PVE's JSONSchema wording, inferred, see DESIGN.md), then the
 * escape definition as qemu-server's {@code CLI/qm.pm terminal} parses it ({@code ^X}, {@code 0x..}, decimal; 0 is
 * none).
 *
 * @param escape the escape byte, 0 for none
 */
record QmTerminalRequest(String node, int vmid, String iface, int escape) {

    /** A request, or qm's error text. */
    record Parsed(QmTerminalRequest request, String error) {
    }

    private static final String USAGE = "qm terminal <vmid> [OPTIONS]";

    static Parsed parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 5 || !f[0].equals("terminal")) {
            return error("qm stand-in: malformed request from the node's qm script");
        }
        String node = f[1];
        Integer vmid = null;
        String vmidError = null;
        try {
            vmid = Integer.parseInt(f[2]);
            if (vmid < 100) {
                vmidError = "value must have a minimum value of 100";
            } else if (vmid > 999_999_999) {
                vmidError = "value must have a maximum value of 999999999";
            }
        } catch (NumberFormatException e) {
            vmidError = "type check ('integer') failed - got '" + f[2] + "'";
        }
        String iface = f[3].equals("-") ? null : f[3];
        String ifaceError = iface != null && !iface.matches("serial[0-3]")
                ? "value '" + iface + "' does not have a value in the enumeration 'serial0, serial1, serial2, serial3'"
                : null;
        if (vmidError != null || ifaceError != null) {
            StringBuilder s = new StringBuilder("400 Parameter verification failed.\n");
            if (ifaceError != null) {
                s.append("iface: ").append(ifaceError).append('\n');
            }
            if (vmidError != null) {
                s.append("vmid: ").append(vmidError).append('\n');
            }
            return error(s.append(USAGE).toString());
        }
        Integer escape = escape(f[4]);
        if (escape == null) {
            return error("invalid escape character definition: " + f[4]);
        }
        return new Parsed(new QmTerminalRequest(node, vmid, iface, escape), null);
    }

    /** qm.pm's three forms; null when none fits. */
    static Integer escape(String definition) {
        if (definition.matches("\\^[\\x40-\\x7a]")) {
            return definition.charAt(1) & 0x1f;
        }
        try {
            if (definition.toLowerCase(Locale.ROOT).matches("0x[0-9a-f]+")) {
                return Integer.parseInt(definition.substring(2), 16);
            }
            if (definition.matches("[0-9]+")) {
                return Integer.parseInt(definition);
            }
        } catch (NumberFormatException e) {
            return null; // too large for a byte anyway
        }
        return null;
    }

    private static Parsed error(String message) {
        return new Parsed(null, message);
    }
}
