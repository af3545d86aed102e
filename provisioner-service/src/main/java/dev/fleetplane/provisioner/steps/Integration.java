package dev.fleetplane.provisioner.steps;

import dev.fleetplane.events.provisioning.HostKeyDiscovered;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.integrate.Ed25519HostKey;
import dev.fleetplane.provisioner.integrate.IntegrationSnippets;
import dev.fleetplane.provisioner.integrate.OAuthClient;
import dev.fleetplane.provisioner.integrate.Secret;
import dev.fleetplane.provisioner.integrate.TailscaleEnrolment;
import dev.fleetplane.provisioner.integrate.TailscaleEnrolmentException;
import dev.fleetplane.provisioner.integrate.TailscaleSettings;
import dev.fleetplane.provisioner.integrate.TailscaleUp;
import dev.fleetplane.provisioner.ssh.HostKeyPins;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.ShellCommand;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The integration step: the host's ed25519 host key, its age recipient and the lines a user commits for them
 * (hosts.nix, .sops.yaml), and the optional Tailscale enrolment. Stored in {@code host_integration} for
 * {@code fleetplane integrate HOST}.
 */
@ApplicationScoped
public class Integration {

    private static final Logger LOG = Logger.getLogger(Integration.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    HostKeyPins pins;

    static final String HOST_KEY_FILE = "/etc/ssh/ssh_host_ed25519_key.pub";

    /** What the step found; {@code tailscaleTags} null when Tailscale enrolment is off. */
    public record Result(HostKeyDiscovered hostKey, List<String> tailscaleTags) {
    }

    Result integrate(GuestSession g, Saga s) throws SshLoginException, StepFailure {
        GuestSession.Captured pub = g.capture("cat " + HOST_KEY_FILE, Duration.ofSeconds(30));
        if (!pub.ok()) {
            throw new StepFailure(ProvisioningSaga.STEP_INTEGRATE, "cannot read " + HOST_KEY_FILE + " on "
                    + g.where() + " (status " + pub.status() + ")", StepText.lastLines(pub.output(), 5));
        }
        IntegrationSnippets snippets;
        try {
            snippets = IntegrationSnippets.of(s.host(), StepText.firstLine(pub.output()));
        } catch (IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_INTEGRATE, e.getMessage(), List.of());
        }
        Ed25519HostKey key = snippets.hostKey();
        pins.pinned(s.host()).filter(pinned -> pinned.keyType().equals(Ed25519HostKey.KEY_TYPE)
                && !pinned.publicKey().equals(key.blob())).ifPresent(pinned -> LOG.warnf("%s on %s"
                + " holds %s, but its SSH server showed %s (the key pinned for %s)",
                HOST_KEY_FILE, g.where(), key.fingerprint(), pinned.fingerprint(), s.host()));
        HostKeyDiscovered discovered = new HostKeyDiscovered(s.host(), s.vmid(), key.publicKeyLine(), key.fingerprint(),
                snippets.recipient().value(), snippets.hostsNixAttrPath() + " = "
                + snippets.hostsNixLine().substring("publicKey = ".length()),
                List.of(snippets.sopsKeyLine(), snippets.sopsKeyGroupLine()));
        return new Result(discovered, tailscale(g, s));
    }

    /** {@code tailscale up} with a fresh single-use key on stdin; null when enrolment is off. */
    private List<String> tailscale(GuestSession g, Saga s) throws SshLoginException, StepFailure {
        ProvisionerConfig.Tailscale t = config.tailscale();
        if (!t.enabled()) {
            return null;
        }
        TailscaleUp up;
        try {
            TailscaleSettings settings = new TailscaleSettings(t.apiBaseUrl(), t.tailnet(), t.tags(), t.connectTimeout(),
                    t.requestTimeout());
            OAuthClient client = new OAuthClient(t.oauthClientId().orElseThrow(() -> new IllegalArgumentException(
                    "fleetplane.provisioner.tailscale.oauth-client-id is not set")),
                    Secret.of(t.oauthClientSecret().orElseThrow(() -> new IllegalArgumentException(
                            "fleetplane.provisioner.tailscale.oauth-client-secret (env"
                                    + " FLEETPLANE_PROVISIONER_TAILSCALE_OAUTH_CLIENT_SECRET) is not set"))));
            up = new TailscaleEnrolment(settings, client).enrol(s.host());
        } catch (TailscaleEnrolmentException | IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_TAILSCALE, e.getMessage(), List.of());
        }
        String command = ShellCommand.asRoot(g.user(), up.commandLine());
        GuestSession.Captured out = g.captureWithInput(command, up.stdin(), t.requestTimeout().multipliedBy(4));
        if (!out.ok()) {
            throw new StepFailure(ProvisioningSaga.STEP_TAILSCALE, "`" + command + "` on " + g.where()
                    + " exited with status " + out.status(), StepText.lastLines(out.output(), 10));
        }
        return up.tags();
    }

    void store(Connection c, Saga s, Result r) throws SQLException {
        HostKeyDiscovered k = r.hostKey();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO host_integration (host, vmid, public_key,"
                + " fingerprint, age_recipient, hosts_nix, sops_yaml, ip, tailscale_tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (host) DO UPDATE SET vmid = EXCLUDED.vmid, public_key = EXCLUDED.public_key,"
                + " fingerprint = EXCLUDED.fingerprint, age_recipient = EXCLUDED.age_recipient,"
                + " hosts_nix = EXCLUDED.hosts_nix, sops_yaml = EXCLUDED.sops_yaml, ip = EXCLUDED.ip,"
                + " tailscale_tags = EXCLUDED.tailscale_tags, discovered_at = now()")) {
            ps.setString(1, s.host());
            ps.setInt(2, s.vmid());
            ps.setString(3, k.publicKey());
            ps.setString(4, k.fingerprint());
            ps.setString(5, k.ageRecipient());
            ps.setString(6, k.hostsNix());
            ps.setString(7, String.join("\n", k.sopsYaml()));
            ps.setString(8, s.ip());
            ps.setString(9, r.tailscaleTags() == null ? null : String.join(",", r.tailscaleTags()));
            ps.executeUpdate();
        }
    }
}
