package dev.fleetplane.pvesim.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /access/ticket}: the username/password login of pve-access-control ({@code create_ticket}). Reachable without
 * authentication, as pveproxy's auth handler exempts it; the answer is the ticket, the CSRF token and the user's caps.
 */
public final class AccessApi {

    private final TicketAuthority tickets;

    public AccessApi(TicketAuthority tickets) {
        this.tickets = tickets;
    }

    public void register(ApiRouter router) {
        // GET is pve-access-control's "dummy" for login pages: it answers null.
        router.add("GET", "/access/ticket", c -> null)
                .add("POST", "/access/ticket", this::login);
    }

    private Object login(ApiCall call) {
        call.allowOnly("username", "password", "realm", "otp", "path", "privs", "new-format", "tfa-challenge");
        String username = call.require("username");
        String password = call.require("password");
        call.check();
        TicketAuthority.Issued issued = tickets.login(username, password, call.opt("realm").orElse(null));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", issued.username());
        data.put("ticket", issued.ticket());
        data.put("CSRFPreventionToken", issued.csrfToken());
        data.put("cap", capabilities());
        return data;
    }

    // What a user with Administrator on / sees; clients only test for the presence of a privilege.
    private static Map<String, Object> capabilities() {
        Map<String, Object> cap = new LinkedHashMap<>();
        cap.put("vms", ones("VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU",
                "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network",
                "VM.Config.Options", "VM.Console", "VM.GuestAgent.Audit", "VM.Migrate", "VM.PowerMgmt", "VM.Snapshot",
                "Permissions.Modify"));
        cap.put("storage", ones("Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate",
                "Datastore.Audit", "Permissions.Modify"));
        cap.put("nodes", ones("Sys.Audit", "Sys.Console", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog", "Permissions.Modify"));
        cap.put("dc", ones("Sys.Audit", "Sys.Modify", "SDN.Audit", "SDN.Allocate"));
        cap.put("access", ones("User.Modify", "Group.Allocate", "Permissions.Modify"));
        return cap;
    }

    private static Map<String, Integer> ones(String... privileges) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String p : privileges) {
            m.put(p, 1);
        }
        return m;
    }
}
