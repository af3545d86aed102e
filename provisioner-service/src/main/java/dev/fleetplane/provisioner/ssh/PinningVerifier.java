package dev.fleetplane.provisioner.ssh;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import org.jboss.logging.Logger;

/**
 * Trust on first use, per fleet host name: the first key a guest shows is pinned, later connections
 * must show the same one. A refusal is kept so the caller can report both fingerprints.
 */
final class PinningVerifier implements HostKeyVerifier {

    private static final Logger LOG = Logger.getLogger(PinningVerifier.class);

    private final HostKeyPins pins;
    private final String host;
    private final String address;
    private volatile HostKeyChangedException refusal;

    PinningVerifier(HostKeyPins pins, String host, String address) {
        this.pins = pins;
        this.host = host;
        this.address = address;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        HostKey offered = HostKey.of(key);
        Optional<HostKey> before = pins.pinned(host);
        HostKey pinned = before.orElseGet(() -> pins.pinIfFirst(host, address, offered));
        if (before.isEmpty() && pinned.sameAs(offered)) {
            LOG.infof("host %s (%s): first contact, pinned host key %s", host, address, offered);
        }
        if (pinned.sameAs(offered)) {
            return true;
        }
        // The rebuild worker reports the refusal (log and ProvisioningFailed); logging it here too would say it twice.
        refusal = new HostKeyChangedException(host, address, pinned, offered);
        return false;
    }

    /** Ask the server for the pinned key's type first, so a guest with several keys shows the pinned one. */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        return pins.pinned(host).map(k -> List.of(k.keyType())).orElse(List.of());
    }

    Optional<HostKeyChangedException> refusal() {
        return Optional.ofNullable(refusal);
    }
}
