package dev.fleetplane.events.desired;

/** One thing wrong with a spec: where ({@code hosts.dev.proxmox.cores}, or a line of the source) and what. */
public record SpecProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
