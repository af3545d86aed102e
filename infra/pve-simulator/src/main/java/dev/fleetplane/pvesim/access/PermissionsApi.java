package dev.fleetplane.pvesim.access;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /access/permissions} as pve-access-control answers it: the effective privileges of the caller (or of
 * {@code userid}: one's own tokens freely, anyone else with {@code Sys.Audit} on {@code /access}) as
 * {@code {"<path>": {"<privilege>": <propagate 0|1>}}}; with {@code path}, only that path (an empty map when the
 * caller has nothing there, as Proxmox returns {@code {path: {}}}).
 */
public final class PermissionsApi {

    private static final Pattern USER_OR_TOKEN = Pattern.compile("[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+(![A-Za-z][A-Za-z0-9.\\-_]+)?");
    private static final Pattern ACL_PATH = Pattern.compile("/|(/[A-Za-z0-9_.\\-]+)+/?");

    private final AclModel acl;

    public PermissionsApi(AclModel acl) {
        this.acl = acl;
    }

    public void register(ApiRouter router) {
        router.add("GET", "/access/permissions", this::permissions);
    }

    private Object permissions(ApiCall call) {
        call.allowOnly("userid", "path");
        String userid = call.opt("userid").orElse(call.user());
        if (!USER_OR_TOKEN.matcher(userid).matches()) {
            call.error("userid", "value does not match the regex pattern");
        }
        String path = call.opt("path").orElse(null);
        if (path != null && !ACL_PATH.matcher(path).matches()) {
            call.error("path", "invalid ACL path '" + path + "'");
        }
        call.check();
        String caller = call.user();
        boolean self = userid.equals(caller);
        boolean ownedToken = userid.startsWith(caller + "!");
        if (!self && !ownedToken && !acl.has(caller, "/access", "Sys.Audit")) {
            throw ApiException.of(403, "Permission check failed (/access, Sys.Audit)");
        }
        if (path != null) {
            String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(path, acl.permissions(userid, normalized));
            return one;
        }
        return acl.effective(userid);
    }
}
