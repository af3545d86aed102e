package dev.fleetplane.adapter.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Validates command fields before any Proxmox call, naming each bad field; pure. */
public final class Checks {

    private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?");
    private static final Pattern DNS_NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?");
    private static final Pattern CONFIG_KEY = Pattern.compile("[a-z][a-z0-9_-]*");

    private final List<String> problems = new ArrayList<>();
    private final String what;

    private Checks(String what) {
        this.what = what;
    }

    public static Checks of(String what) {
        return new Checks(what);
    }

    public Checks node(String node) {
        if (node == null || !NODE.matcher(node).matches()) {
            problems.add("node '" + node + "' is not a Proxmox node name");
        }
        return this;
    }

    public Checks vmid(String field, int vmid) {
        if (vmid < 100 || vmid > 999_999_999) {
            problems.add(field + " " + vmid + " is outside Proxmox's VMID range 100..999999999");
        }
        return this;
    }

    public Checks dnsName(String field, String name) {
        if (name != null && !name.isEmpty() && !DNS_NAME.matcher(name).matches()) {
            problems.add(field + " '" + name + "' is not a DNS name (Proxmox requires one)");
        }
        return this;
    }

    public Checks positive(String field, int value) {
        if (value <= 0) {
            problems.add(field + " must be positive, got " + value);
        }
        return this;
    }

    public Checks configKey(String key) {
        if (key == null || !CONFIG_KEY.matcher(key).matches()) {
            problems.add("config key '" + key + "' is not a Proxmox config key");
        }
        return this;
    }

    public Checks check(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
        return this;
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public String message() {
        return what + " rejected: " + String.join("; ", problems);
    }
}
