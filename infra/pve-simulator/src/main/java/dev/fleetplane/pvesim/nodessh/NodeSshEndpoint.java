package dev.fleetplane.pvesim.nodessh;

import java.nio.file.Path;

/**
 * What a client needs to copy files to a simulated node over SSH/SFTP.
 *
 * @param node                the node's name
 * @param host                where its sshd listens (127.0.0.1)
 * @param port                its port (a free one, chosen at start)
 * @param user                always {@code root}, as on a Proxmox node
 * @param hostKeyFingerprint  {@code SHA256:…} as {@code ssh-keygen -lf} prints it, for the client to pin
 * @param dumpDir             the node's dump directory ({@code /var/lib/vz/dump} on a real node), an absolute path on
 *                            this machine
 */
public record NodeSshEndpoint(String node, String host, int port, String user, String hostKeyFingerprint,
                              Path dumpDir) {
}
