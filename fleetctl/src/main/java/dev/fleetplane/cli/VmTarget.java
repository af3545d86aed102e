package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@code HOST|VMID} argument of {@code fleetplane vm ...}: a number is a VMID, anything else a host name; and how
 * a read command turns a host name into a VMID (the planner's hosts first, then a VM of that name in Proxmox).
 *
 * @param vmid 0 when a host name was given
 */
record VmTarget(String host, int vmid) {

    static final String HOST_NAME = "[a-zA-Z0-9][a-zA-Z0-9-]{0,62}";

    static VmTarget parse(String arg) {
        String a = arg == null ? "" : arg.trim();
        if (a.matches("\\d+")) {
            long n = a.length() > 10 ? Long.MAX_VALUE : Long.parseLong(a);
            if (n < 100 || n > 999_999_999L) {
                throw new CliException("VMID must be between 100 and 999999999, got " + a);
            }
            return new VmTarget(null, (int) n);
        }
        if (!a.matches(HOST_NAME)) {
            throw new CliException("expected a host name (letters, digits, '-') or a VMID, got '" + arg + "'");
        }
        return new VmTarget(a, 0);
    }

    boolean isVmid() {
        return host == null;
    }

    /**
     * The VMID to read: the VMID given, else the host's in the planner's host list ({@code fleet} narrows it; Gone
     * hosts do not count), else the one VM of that name in the adapter's list. {@code plannerHosts} may throw (no
     * planner running): then only the adapter's names are searched, and an error says the planner was not asked.
     */
    int resolve(String fleet, Supplier<JsonNode> plannerHosts, Supplier<JsonNode> adapterVms) {
        if (isVmid()) {
            return vmid;
        }
        String plannerTrouble = null;
        try {
            List<String> fleets = new ArrayList<>();
            TreeSet<Integer> vmids = new TreeSet<>();
            for (JsonNode h : plannerHosts.get()) {
                if (host.equals(h.path("host").asText()) && !"Gone".equals(h.path("state").asText())
                        && (fleet == null || fleet.equals(h.path("fleet").asText()))) {
                    fleets.add(h.path("fleet").asText());
                    vmids.add(h.path("vmid").asInt());
                }
            }
            if (vmids.size() == 1) {
                return vmids.first();
            }
            if (vmids.size() > 1) {
                throw new CliException("host " + host + " is in several fleets (" + String.join(", ", fleets)
                        + ") with VMIDs " + vmids + "; pass --fleet or the VMID");
            }
        } catch (CliException e) {
            if (e.getMessage().startsWith("host " + host + " is in several fleets")) {
                throw e;
            }
            plannerTrouble = e.getMessage();
        }
        TreeSet<Integer> named = new TreeSet<>();
        for (JsonNode v : adapterVms.get()) {
            if (host.equals(v.path("name").asText())) {
                named.add(v.path("vmid").asInt());
            }
        }
        if (named.size() == 1) {
            return named.first();
        }
        if (named.size() > 1) {
            throw new CliException("no host " + host + (fleet == null ? "" : " in fleet " + fleet) + ", and several VMs"
                    + " are named " + host + " (VMIDs " + named + "); name the VMID");
        }
        throw new CliException("no host " + host + (fleet == null ? "" : " in fleet " + fleet)
                + (plannerTrouble == null ? "" : " (the planner was not asked: " + plannerTrouble + ")")
                + " and no VM named " + host + " in Proxmox");
    }
}
