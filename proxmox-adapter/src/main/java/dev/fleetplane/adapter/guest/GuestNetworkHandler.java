package dev.fleetplane.adapter.guest;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.GuestAddress;
import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.proxmox.client.GuestInterface;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.VmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code QueryGuestNetwork}: net0's MAC from the config, the agent's interfaces, and the IP choice. One
 * question, one answer: the provisioner asks again while the guest boots, so agent trouble is an answer
 * ({@code GuestAgentUnavailable}), not a retry here.
 */
@ApplicationScoped
public class GuestNetworkHandler implements CommandHandler {

    static final String OPERATION = "guest-network";
    private static final Logger LOG = Logger.getLogger(GuestNetworkHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    AdapterConfig config;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.QUERY_GUEST_NETWORK;
    }

    @Override
    public Outcome handle(Command command) {
        QueryGuestNetwork cmd = command.event().dataAs(EventCatalog.QUERY_GUEST_NETWORK);
        Checks checks = Checks.of("QueryGuestNetwork for host " + command.host()).node(cmd.node()).vmid("vmid", cmd.vmid());
        return flow.run(command, OPERATION, cmd.node(), cmd.vmid(), checks, () -> answer(command, cmd));
    }

    /** Agent trouble is an answer; any other failure is thrown, so it is the command's {@code PveOperationFailed}. */
    private Outcome answer(Command command, QueryGuestNetwork cmd) {
        try {
            VmConfig vmConfig = flow.call(pve -> pve.config(cmd.node(), cmd.vmid()));
            if (!vmConfig.agentEnabled()) {
                return unavailable(command, cmd, "not-configured", "VM " + cmd.vmid() + " has no 'agent: 1' in its config"
                        + " (found '" + vmConfig.get("agent").orElse("") + "'); enable the QEMU guest agent on the template");
            }
            String mac = vmConfig.net0Mac().orElse(null);
            List<GuestInterface> interfaces = flow.pve().guestInterfaces(cmd.node(), cmd.vmid());
            GuestIpChoice.Result choice = GuestIpChoice.choose(mac, interfaces, cmd.preferIpv6(),
                    config.guest().allowLoopback());
            List<GuestAddress> addresses = choice.addresses().stream()
                    .map(a -> new GuestAddress(a.interfaceName(), a.mac(), a.ip(), a.family(), a.prefix())).toList();
            LOG.infof("VM %d guest network: chose %s on %s (net0 MAC %s)%s", cmd.vmid(), choice.chosenIp(),
                    choice.chosenInterface(), mac, choice.note() == null ? "" : ": " + choice.note());
            var reported = new GuestNetworkReported(cmd.node(), cmd.vmid(), choice.chosenIp(), addresses, choice.note());
            return flow.answer(command, EventCatalog.GUEST_NETWORK_REPORTED, reported);
        } catch (PveException e) {
            String reason = switch (e.failure()) {
                case AGENT_NOT_CONFIGURED -> "not-configured";
                case AGENT_NOT_RUNNING -> "not-running";
                case VM_NOT_RUNNING -> "vm-not-running";
                case UNAUTHORIZED, FORBIDDEN, NOT_FOUND, INVALID_PARAMETER -> null;
                default -> "error";
            };
            if (reason == null) {
                throw e;
            }
            return unavailable(command, cmd, reason, e.getMessage());
        }
    }

    private Outcome unavailable(Command command, QueryGuestNetwork cmd, String reason, String message) {
        LOG.infof("guest agent of VM %d unavailable: %s: %s", cmd.vmid(), reason, message);
        var payload = new GuestAgentUnavailable(cmd.node(), cmd.vmid(), reason, message);
        return flow.answer(command, EventCatalog.GUEST_AGENT_UNAVAILABLE, payload);
    }
}
