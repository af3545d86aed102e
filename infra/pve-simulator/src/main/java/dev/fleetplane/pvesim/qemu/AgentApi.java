package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code …/qemu/{vmid}/agent}: the guest agent's {@code ping}, {@code network-get-interfaces}, {@code get-host-name},
 * {@code get-osinfo} (also as {@code POST …/agent command=…}); other known commands fail as an agent that lacks them.
 */
final class AgentApi {

    private final Inventory inventory;
    private final GuestRuntime guests;

    AgentApi(Inventory inventory, GuestRuntime guests) {
        this.inventory = inventory;
        this.guests = guests;
    }

    void register(ApiRouter router) {
        String agent = QemuCalls.VM + "/agent";
        router.add("GET", agent, c -> QemuCalls.subdirs("get-host-name", "get-osinfo", "network-get-interfaces", "ping"))
                .add("POST", agent, this::agentCommand)
                .add("POST", agent + "/ping", c -> agent(c, "ping"))
                .add("GET", agent + "/network-get-interfaces", c -> agent(c, "network-get-interfaces"))
                .add("GET", agent + "/get-host-name", c -> agent(c, "get-host-name"))
                .add("GET", agent + "/get-osinfo", c -> agent(c, "get-osinfo"));
    }

    private Object agentCommand(ApiCall call) {
        call.allowOnly("command");
        String command = call.require("command");
        List<String> known = List.of("fsfreeze-freeze", "fsfreeze-status", "fsfreeze-thaw", "fstrim", "get-fsinfo",
                "get-host-name", "get-memory-block-info", "get-memory-blocks", "get-osinfo", "get-time",
                "get-timezone", "get-users", "get-vcpus", "info", "network-get-interfaces", "ping", "shutdown",
                "suspend-disk", "suspend-hybrid", "suspend-ram");
        if (command != null && !known.contains(command)) {
            call.error("command", "value '" + command + "' does not have a value in the enumeration '"
                    + String.join(", ", known) + "'");
        }
        call.check();
        if (!List.of("ping", "network-get-interfaces", "get-host-name", "get-osinfo").contains(command)) {
            return agentResult(call, command, vm -> {
                throw ApiException.internal("VM " + vm.vmid() + " qga command 'guest-" + command
                        + "' failed - The command guest-" + command + " has not been found");
            });
        }
        return agent(call, command);
    }

    private Object agent(ApiCall call, String command) {
        if (!call.method().equals("POST") || !call.relativePath().endsWith("/agent")) {
            call.allowOnly();
            call.check();
        }
        return agentResult(call, command, vm -> switch (command) {
            case "ping" -> Map.of();
            case "network-get-interfaces" -> guests.interfaces(vm.vmid())
                    .orElseGet(() -> GuestAgentReplies.networkInterfaces(vm, System.currentTimeMillis()));
            case "get-host-name" -> Map.of("host-name", vm.name());
            case "get-osinfo" -> GuestAgentReplies.osInfo();
            default -> throw new IllegalStateException(command);
        });
    }

    private Object agentResult(ApiCall call, String command, Function<QemuVm, Object> result) {
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), QemuCalls.vmid(call));
            if (!vm.agentEnabled()) {
                throw ApiException.internal("No QEMU guest agent configured");
            }
            if (!vm.running()) {
                throw ApiException.internal("VM " + vm.vmid() + " is not running");
            }
            if (!vm.agentUp(System.currentTimeMillis())) {
                throw ApiException.internal("QEMU guest agent is not running");
            }
            return Map.of("result", result.apply(vm));
        }
    }
}
