package dev.fleetplane.pvesim.access;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One line of Proxmox's {@code user.cfg} ACL for one user or token: {@code acl:<propagate>:<path>:<authid>:<roles>}.
 * {@code rolesOrPrivileges} may name built-in roles or single privileges (the simulator's shorthand for a custom role).
 */
public record AclEntry(String path, String authId, List<String> rolesOrPrivileges, boolean propagate) {

    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9_.\\-]+)+");

    public AclEntry {
        Objects.requireNonNull(authId, "authId");
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("ACL path '" + path + "' is not of the form / or /vms/100");
        }
        if (rolesOrPrivileges == null || rolesOrPrivileges.isEmpty()) {
            throw new IllegalArgumentException("ACL on " + path + " for " + authId + " names no role or privilege");
        }
        rolesOrPrivileges = List.copyOf(rolesOrPrivileges);
    }
}
