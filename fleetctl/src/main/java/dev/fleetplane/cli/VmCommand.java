package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetplane vm ...}: day-2 commands. Reads ({@code list}, {@code status}, {@code config}) ask the
 * proxmox-adapter's read-only API; actions ({@code start}, {@code stop}, {@code shutdown}, {@code reboot}) go through
 * the planner, which refuses what the spec forbids and publishes the command, so every action is in the event log.
 */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Day-2 commands on Proxmox VMs: read them, power them on and off.",
        subcommands = {VmCommand.ListVms.class, VmCommand.Status.class, VmCommand.Config.class, VmCommand.Start.class,
                VmCommand.Stop.class, VmCommand.Shutdown.class, VmCommand.Reboot.class})
final class VmCommand {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Options of the read commands. */
    abstract static class Read implements Callable<Integer> {
        @Option(names = "--adapter", description = "proxmox-adapter URL (default: $FLEETPLANE_ADAPTER_URL, else the running `up` stack)")
        String adapter;

        @Option(names = "--planner", description = "planner URL, to find a host's VMID (default: the running `up` stack)")
        String planner;

        @Option(names = "--json", description = "print the adapter's JSON")
        boolean json;

        ServiceApi adapterApi() {
            return new ServiceApi("proxmox-adapter", StackFile.adapterUrl(adapter));
        }
    }

    /** Options of the reads of one VM. */
    abstract static class ReadOne extends Read {
        @Parameters(paramLabel = "HOST|VMID", description = "a host of the fleet, a VM name, or a VMID")
        String target;

        @Option(names = "--fleet", description = "the fleet of HOST when several have one of that name")
        String fleet;

        int vmid(ServiceApi adapterApi) {
            return VmTarget.parse(target).resolve(fleet, () -> new ServiceApi(StackFile.plannerUrl(planner)).hosts(),
                    () -> adapterApi.get("/api/v1/vms"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every guest Proxmox has (QEMU and LXC): VMID, name, node, status, sizes, uptime.")
    static final class ListVms extends Read {
        @Override
        public Integer call() {
            JsonNode guests = adapterApi().get("/api/v1/vms");
            System.out.print(json ? guests.toPrettyString() + System.lineSeparator() : VmTable.list(guests));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show one VM's current status.")
    static final class Status extends ReadOne {
        @Override
        public Integer call() {
            ServiceApi api = adapterApi();
            JsonNode status = api.get("/api/v1/vms/" + vmid(api) + "/status");
            System.out.print(json ? status.toPrettyString() + System.lineSeparator() : VmTable.status(status));
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Print one VM's Proxmox config, one `key = value` a line, sorted by key.")
    static final class Config extends ReadOne {
        @Override
        public Integer call() {
            ServiceApi api = adapterApi();
            JsonNode config = api.get("/api/v1/vms/" + vmid(api) + "/config");
            System.out.print(json ? config.path("config").toPrettyString() + System.lineSeparator() : VmTable.config(config));
            return 0;
        }
    }

    /** A power action through the planner, then (unless --no-wait) the adapter's answer from the event log. */
    abstract static class Power implements Callable<Integer> {
        @Parameters(paramLabel = "HOST|VMID", description = "a host of the fleet's applied spec, or a VMID")
        String target;

        @Option(names = "--force", description = "also for a VM fleetplane does not own, or a host in the middle of a"
                + " plan (never for a readonly host)")
        boolean force;

        @Option(names = "--no-wait", description = "return once the planner sent the command; do not wait for the outcome")
        boolean noWait;

        @Option(names = "--wait-timeout", defaultValue = "PT10M", description = "how long to wait for the outcome"
                + " (ISO-8601, default ${DEFAULT-VALUE})")
        Duration waitTimeout;

        @Option(names = "--fleet", description = "the fleet of HOST (default: the planner's default fleet)")
        String fleet;

        @Option(names = "--operator", description = "who asks, recorded in the event log (default: $USER)")
        String operator;

        @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
        String planner;

        abstract String action();

        @Override
        public Integer call() {
            VmTarget t = VmTarget.parse(target);
            ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
            String who = operator != null ? operator : System.getenv().getOrDefault("USER", "operator");
            JsonNode accepted = api.postJson(path(t, fleet), body(action(), force), Map.of("X-Fleetplane-Operator", who),
                    Duration.ofSeconds(60));
            PrintStream out = System.out;
            if (noWait) {
                out.println(PowerOutcome.who(accepted) + ": " + action() + " sent (command "
                        + accepted.path("commandId").asText() + "; follow it with `fleetplane events --correlation-id "
                        + accepted.path("correlationId").asText() + "`)");
                return 0;
            }
            PowerOutcome outcome = await(api, accepted, waitTimeout);
            if (!outcome.ok()) {
                throw new CliException(outcome.message());
            }
            out.println(outcome.message());
            return 0;
        }

        /** The planner path of the action: by host (of {@code fleet}) or by VMID. */
        static String path(VmTarget t, String fleet) {
            if (t.isVmid()) {
                return "/api/v1/vms/" + t.vmid() + "/power";
            }
            return "/api/v1/hosts/" + PathSegment.encode(t.host()) + "/power"
                    + (fleet == null || fleet.isBlank() ? "" : "?fleet=" + PathSegment.encode(fleet));
        }

        static ObjectNode body(String action, boolean force) {
            ObjectNode body = JSON.createObjectNode();
            body.put("action", action);
            body.put("force", force);
            return body;
        }

        /** Follows the event log of the action's story until the adapter answers the command. */
        static PowerOutcome await(ServiceApi api, JsonNode accepted, Duration timeout) {
            String commandId = accepted.path("commandId").asText();
            String story = accepted.path("correlationId").asText();
            long deadline = System.nanoTime() + timeout.toNanos();
            String cursor = null;
            while (true) {
                Map<String, String> q = new LinkedHashMap<>();
                q.put("correlationId", story);
                q.put("limit", "1000");
                q.put("after", cursor);
                ServiceApi.EventPage page = api.events(q);
                Optional<PowerOutcome> found = PowerOutcome.find(page.events(), commandId, accepted);
                if (found.isPresent()) {
                    return found.get();
                }
                if (page.cursor() != null) {
                    cursor = page.cursor();
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(PowerOutcome.who(accepted) + ": no answer to the " + accepted.path("action")
                            .asText() + " within " + timeout.toSeconds() + " s (command " + commandId + " is on"
                            + " pve.commands; is the proxmox-adapter running?); follow it with `fleetplane events"
                            + " --correlation-id " + story + "`");
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted");
                }
            }
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a VM (StartVm).")
    static final class Start extends Power {
        @Override
        String action() {
            return "start";
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop a VM hard, like pulling the plug (StopVm, not graceful).")
    static final class Stop extends Power {
        @Override
        String action() {
            return "stop";
        }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true, description = {"Shut a VM down through its guest"
            + " (agent or ACPI); stopped hard after the planner's stop timeout (StopVm, graceful)."})
    static final class Shutdown extends Power {
        @Override
        String action() {
            return "shutdown";
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true,
            description = "Reboot a running VM through its guest (RebootVm, Proxmox status/reboot).")
    static final class Reboot extends Power {
        @Override
        String action() {
            return "reboot";
        }
    }
}
