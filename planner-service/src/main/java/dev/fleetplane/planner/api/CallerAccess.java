package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.access.HostScope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;

/**
 * What the caller's token may see and who it is, for the resources: the host scope of its {@code hosts=} globs
 * (docs/access.md), the refusals when it reaches past them, and the actor name an action records.
 */
@ApplicationScoped
public class CallerAccess {

    @Inject
    SecurityIdentity identity;

    /** The hosts the caller may see and act on. */
    public HostScope scope() {
        return HostScope.of(identity);
    }

    /** 403 naming the token and its globs unless {@code host} is in the caller's scope. */
    public void requireHost(String host) {
        HostScope scope = scope();
        if (!scope.allows(host)) {
            throw new ApiException(403, scope.refusal(host));
        }
    }

    /** 403 unless every one of {@code hosts} is in the caller's scope; names the first one outside. */
    public void requireHosts(Collection<String> hosts) {
        HostScope scope = scope();
        for (String h : hosts) {
            if (!scope.allows(h)) {
                throw new ApiException(403, scope.refusal(h));
            }
        }
    }

    /**
     * 403 for a host-scoped token: plans and specs describe the whole fleet, so only a token for every host reads or
     * writes them (applying a plan by id is judged by the hosts it changes instead).
     */
    public void requireWholeFleet() {
        HostScope scope = scope();
        if (!scope.all()) {
            throw new ApiException(403, "token " + identity.getPrincipal().getName() + " may only see hosts "
                    + String.join(",", scope.globs()) + "; plans and specs span the whole fleet");
        }
    }

    /**
     * Who did it, as actions record it (approvedBy, the events' operator): the token's name, never what the client
     * says. A different {@code X-Fleetplane-Operator} header is kept as a note: {@code alice (as sent: bob)}.
     */
    public String actor(String sentHeader) {
        String name = identity.getPrincipal().getName();
        String sent = sentHeader == null ? "" : sentHeader.strip();
        if (sent.isEmpty() || sent.equals(name)) {
            return name;
        }
        // The header is the client's word: shortened and stripped of control characters before it is recorded.
        String clean = sent.replaceAll("\\p{Cntrl}", "");
        return name + " (as sent: " + (clean.length() > 64 ? clean.substring(0, 64) + "…" : clean) + ")";
    }
}
