package dev.fleetplane.templates.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.StreamCopier;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.verification.FingerprintVerifier;
import net.schmizz.sshj.xfer.FileSystemFile;
import net.schmizz.sshj.xfer.TransferListener;

/**
 * Copies an archive into the Proxmox node's dump directory over SFTP (SSHJ): under a temporary name first, renamed
 * to its {@code vzdump-qemu-…} name only when every byte arrived, so a cut copy never looks like a backup. The node's
 * host key is pinned by fingerprint; the key file's contents never appear in a message.
 */
public final class NodeSftp {

    /** Where and as whom: the node's sshd. */
    public record Target(String host, int port, String user, Path identityFile, String hostKeyFingerprint,
                         String dumpDir, Duration connectTimeout) {
    }

    private NodeSftp() {
    }

    /**
     * @param progress called with the bytes sent so far, now and then
     * @return the remote path of the archive
     */
    public static String upload(Target t, Path file, String remoteName, LongConsumer progress) throws IOException {
        if (!remoteName.startsWith("vzdump-qemu-") || remoteName.contains("/")) {
            throw new IllegalArgumentException("'" + remoteName + "' is no vzdump-qemu-… file name: qmrestore would"
                    + " not recognise it as a backup");
        }
        String dir = t.dumpDir().endsWith("/") ? t.dumpDir().substring(0, t.dumpDir().length() - 1) : t.dumpDir();
        String part = dir + "/." + remoteName + ".part";
        String target = dir + "/" + remoteName;
        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier(FingerprintVerifier.getInstance(t.hostKeyFingerprint()));
            ssh.setConnectTimeout((int) t.connectTimeout().toMillis());
            ssh.setTimeout((int) Duration.ofMinutes(2).toMillis());
            try {
                ssh.connect(t.host(), t.port());
            } catch (IOException e) {
                throw new IOException("cannot reach the node's sshd at " + t.host() + ":" + t.port() + ": "
                        + e.getMessage(), e);
            }
            try {
                ssh.authPublickey(t.user(), ssh.loadKeys(t.identityFile().toString()));
            } catch (IOException e) {
                throw new IOException("the node's sshd at " + t.host() + ":" + t.port() + " refused " + t.user()
                        + " with the key " + t.identityFile() + ": " + e.getMessage(), e);
            }
            try (SFTPClient sftp = ssh.newSFTPClient()) {
                sftp.getFileTransfer().setTransferListener(new Progress(progress));
                sftp.getFileTransfer().setPreserveAttributes(false);
                sftp.put(new FileSystemFile(file.toFile()), part);
                long sent = sftp.size(part);
                long expected = java.nio.file.Files.size(file);
                if (sent != expected) {
                    sftp.rm(part);
                    throw new IOException("the copy in " + part + " has " + sent + " bytes, the archive " + expected);
                }
                sftp.rename(part, target);
            } catch (IOException e) {
                throw new IOException("SFTP of " + file.getFileName() + " to " + t.host() + ":" + dir + " failed: "
                        + e.getMessage(), e);
            }
        }
        return target;
    }

    /** Hands SSHJ's per-file progress to the caller. */
    private record Progress(LongConsumer sink) implements TransferListener {
        @Override
        public TransferListener directory(String name) {
            return this;
        }

        @Override
        public StreamCopier.Listener file(String name, long size) {
            return sink::accept;
        }
    }
}
