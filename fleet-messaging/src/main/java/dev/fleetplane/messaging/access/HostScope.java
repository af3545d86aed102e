package dev.fleetplane.messaging.access;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The hosts a caller may see and act on: the {@code hosts=} globs of its token ({@code *} any run of characters,
 * {@code ?} one), or every host. A read filters by it; asking for a host outside it is a 403 naming the token.
 */
public final class HostScope {

    /** The identity attribute holding the token's globs (a {@code List<String>}; absent or empty: every host). */
    public static final String ATTRIBUTE = "fleetplane.hosts";

    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9*?][A-Za-z0-9.*?_-]{0,62}");
    private static final HostScope EVERY = new HostScope(null, List.of());

    private final String token;
    private final List<String> globs;
    private final List<Pattern> patterns;

    private HostScope(String token, List<String> globs) {
        this.token = token;
        this.globs = List.copyOf(globs);
        List<Pattern> p = new ArrayList<>();
        for (String g : globs) {
            p.add(Pattern.compile(Pattern.quote(g).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")));
        }
        this.patterns = List.copyOf(p);
    }

    /** Every host. */
    public static HostScope every() {
        return EVERY;
    }

    /** The scope of a token named {@code token} limited to {@code globs} (empty: every host). */
    public static HostScope of(String token, List<String> globs) {
        return globs.isEmpty() ? EVERY : new HostScope(token, globs);
    }

    /** The caller's scope; an anonymous identity or a token without {@code hosts=} sees every host. */
    public static HostScope of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return EVERY;
        }
        Object globs = identity.getAttribute(ATTRIBUTE);
        if (globs instanceof List<?> list && !list.isEmpty()) {
            return of(identity.getPrincipal().getName(), list.stream().map(Object::toString).toList());
        }
        return EVERY;
    }

    /**
     * The globs of a {@code hosts=} field: comma-separated, each 1-63 letters, digits, {@code . _ -} and wildcards;
     * {@code what} names the file, line and token in the error.
     */
    public static List<String> parse(String what, String value) {
        List<String> out = new ArrayList<>();
        for (String g : value.split(",", -1)) {
            if (!GLOB.matcher(g).matches()) {
                throw new IllegalArgumentException(what + ": '" + g + "' is not a host glob (letters, digits, '.', "
                        + "'_', '-', '*' and '?', at most 63)");
            }
            out.add(g);
        }
        return List.copyOf(out);
    }

    /** Whether every host is in scope. */
    public boolean all() {
        return patterns.isEmpty();
    }

    /** Whether {@code host} is in scope (a null host, an event about no host, only for an unlimited scope). */
    public boolean allows(String host) {
        if (all()) {
            return true;
        }
        if (host == null) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.matcher(host).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The globs (empty: every host). */
    public List<String> globs() {
        return globs;
    }

    /** The refusal for a host outside the scope, naming the token and what it may see. */
    public String refusal(String host) {
        return "token " + token + " may only see hosts " + String.join(",", globs) + ", not '" + host + "'";
    }

    @Override
    public String toString() {
        return all() ? "every host" : "hosts " + String.join(",", globs);
    }
}
