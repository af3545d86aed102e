package dev.fleetplane.provisioner.integrate;

/** The steps of a Tailscale enrolment, by the names failures and events carry. */
public enum EnrolmentStep {
    /** OAuth client credentials to an API access token. */
    TOKEN("tailscale-token"),
    /** Access token to a single-use auth key. */
    KEY("tailscale-key");

    private final String id;

    EnrolmentStep(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
