package dev.fleetplane.events.console;

import java.time.Instant;

/**
 * A viewer attached to a VM's serial console through the gateway.
 *
 * @param session  the viewer session's id (one per WebSocket), the key of its closing record
 * @param host     the host asked for
 * @param node     the Proxmox node the VM runs on
 * @param vmid     the VM
 * @param operator who: the operator the token belongs to
 * @param from     where from: the client's address as the gateway saw it ({@code X-Forwarded-For} is not trusted)
 * @param backend  how the gateway reaches the line: {@code pve-api} or {@code node-ssh}
 * @param access   {@code write} or {@code read}: what the operator may do, not whether it holds the keyboard
 * @param openedAt when the viewer was admitted
 */
public record ConsoleSessionOpened(String session, String host, String node, int vmid, String operator, String from,
                                   String backend, String access, Instant openedAt) {
}
