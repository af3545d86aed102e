package dev.fleetplane.planner.spec;

import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import dev.fleetplane.plancore.spec.NixEvaluator;
import dev.fleetplane.plancore.spec.NixWrapper;
import dev.fleetplane.plancore.spec.SpecJson;
import dev.fleetplane.plancore.spec.SpecLimits;
import dev.fleetplane.plancore.spec.SpecValidator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecAccepted;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.desired.SpecRejected;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.planner.PlannerConfig;
import dev.fleetplane.planner.Publisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one way a spec enters the planner, from REST or from {@code fleet.desired}: evaluate (Nix), parse,
 * validate, then record either a new spec version ({@code SpecAccepted}, planning starts) or a
 * {@code SpecRejected}. Nix runs before the transaction opens, so no connection waits on it.
 */
@ApplicationScoped
public class SpecIntake {

    /** The inbox name of the fleet.desired consumer. */
    public static final String CONSUMER = "planner-desired";

    private static final Logger LOG = Logger.getLogger(SpecIntake.class);

    @Inject
    Database database;

    @Inject
    SpecStore specs;

    @Inject
    Publisher publisher;

    @Inject
    NixEvaluator nix;

    @Inject
    PlannerConfig config;

    @Inject
    PlanTrigger planning;

    /** A REST submission: evaluated, then recorded in one transaction. */
    public IntakeResult submit(Submission s) {
        Evaluated evaluated = evaluate(s);
        return database.inTransaction(c -> record(c, evaluated, null));
    }

    /**
     * What a submission is once evaluated (Nix), parsed and validated, before anything is recorded: done outside
     * any transaction, so no connection waits on Nix.
     */
    public sealed interface Evaluated {
        Submission submission();
    }

    private record Valid(Submission submission, JsonNode tree, SpecValidator.Result result, String nixSource)
            implements Evaluated {
    }

    private record Invalid(Submission submission, IntakeResult.Reason reason, String error, List<SpecProblem> problems)
            implements Evaluated {
    }

    public Evaluated evaluate(Submission s) {
        if (s.input() instanceof Submission.Unusable u) {
            return new Invalid(s, IntakeResult.Reason.INVALID, u.reason(), List.of(new SpecProblem("(event)", u.reason())));
        }
        JsonNode tree;
        String nixSource = null;
        Invalid tooLarge = tooLarge(s);
        if (tooLarge != null) {
            return tooLarge;
        }
        String badRevision = badRevision(s.revision());
        if (badRevision != null) {
            // The refusal does not repeat the revision: its NUL could not even be stored in the outbox.
            Submission without = new Submission(s.fleet(), s.source(), null, s.autoApprove(), s.allowRevert(),
                    s.input());
            return new Invalid(without, IntakeResult.Reason.INVALID, badRevision,
                    List.of(new SpecProblem("(revision)", badRevision)));
        }
        if (s.input() instanceof Submission.NixSource n && SpecLimits.nulIn(n.text()) != null) {
            String at = SpecLimits.nulIn(n.text());
            return new Invalid(s, IntakeResult.Reason.INVALID, "hosts.nix contains a NUL character (\\u0000)",
                    List.of(new SpecProblem(NixWrapper.SOURCE_FILE, "NUL character at " + at)));
        }
        try {
            if (s.input() instanceof Submission.JsonText t) {
                tree = SpecJson.parse(t.text());
            } else if (s.input() instanceof Submission.JsonTree t) {
                tree = t.tree();
            } else {
                nixSource = ((Submission.NixSource) s.input()).text();
                tree = nix.evaluate(nixSource);
            }
        } catch (SpecJson.MalformedJsonException e) {
            return new Invalid(s, IntakeResult.Reason.INVALID, e.getMessage(),
                    List.of(new SpecProblem("(body)", e.getMessage())));
        } catch (NixEvaluationException e) {
            IntakeResult.Reason reason = e.kind() == NixEvaluationException.Kind.NIX_MISSING
                    ? IntakeResult.Reason.NIX_MISSING : IntakeResult.Reason.INVALID;
            String error = switch (e.kind()) {
                case NIX_MISSING -> "Nix is not available to evaluate hosts.nix";
                case TIMEOUT -> "hosts.nix evaluation timed out";
                case INVALID_SOURCE -> "hosts.nix does not evaluate";
            };
            return new Invalid(s, reason, error, List.of(new SpecProblem(NixWrapper.SOURCE_FILE, e.getMessage())));
        }
        List<SpecProblem> limits = SpecLimits.check(tree);
        if (!limits.isEmpty()) {
            int n = limits.size();
            return new Invalid(s, IntakeResult.Reason.INVALID,
                    "spec rejected: " + n + (n == 1 ? " problem" : " problems"), limits);
        }
        SpecValidator.Result result = SpecValidator.validate(tree);
        if (!result.valid()) {
            int n = result.problems().size();
            return new Invalid(s, IntakeResult.Reason.INVALID,
                    "spec rejected: " + n + (n == 1 ? " problem" : " problems"), result.problems());
        }
        return new Valid(s, tree, result, nixSource);
    }

    /** Why a revision (a git commit, a tag, a CI run) cannot be stored, or null: at most 200 printable characters. */
    static String badRevision(String revision) {
        if (revision == null) {
            return null;
        }
        if (revision.length() > 200) {
            return "revision is " + revision.length() + " characters long; at most 200";
        }
        for (int i = 0; i < revision.length(); i++) {
            if (Character.isISOControl(revision.charAt(i))) {
                return "revision contains a control character (\\u" + String.format("%04x", (int) revision.charAt(i))
                        + ") at position " + i;
            }
        }
        return null;
    }

    /**
     * The same bound for every way in: REST stops a body at {@code fleetplane.planner.spec.max-bytes} while reading it;
     * a {@code SpecSubmitted} from Kafka (a JSON tree or Nix source inside the event) is measured here.
     */
    private Invalid tooLarge(Submission s) {
        int max = config.spec().maxBytes();
        long size;
        if (s.input() instanceof Submission.JsonTree t) {
            try {
                size = Json.MAPPER.writeValueAsBytes(t.tree()).length;
            } catch (JsonProcessingException e) {
                return new Invalid(s, IntakeResult.Reason.INVALID, "the spec cannot be written as JSON",
                        List.of(new SpecProblem("(event)", e.getOriginalMessage())));
            }
        } else if (s.input() instanceof Submission.NixSource n) {
            size = n.text().getBytes(StandardCharsets.UTF_8).length;
        } else if (s.input() instanceof Submission.JsonText t) {
            size = t.text().getBytes(StandardCharsets.UTF_8).length;
        } else {
            return null;
        }
        if (size <= max) {
            return null;
        }
        String error = "spec is larger than " + max + " bytes (fleetplane.planner.spec.max-bytes)";
        return new Invalid(s, IntakeResult.Reason.INVALID, error,
                List.of(new SpecProblem("(spec)", "is " + size + " bytes; " + error)));
    }

    /**
     * Records an evaluated submission inside the caller's transaction: a new spec version, or its refusal.
     *
     * @param cause the {@code SpecSubmitted} event, or null for a REST submission
     */
    public IntakeResult record(Connection c, Evaluated evaluated, FleetEvent cause) throws SQLException {
        try (StoryContext.Scope story = StoryContext.forHost(evaluated.submission().fleet(), null, null).open()) {
            return recordInStory(c, evaluated, cause);
        }
    }

    /** {@link #record}, in the fleet's story: its log lines carry the fleet (a REST submission has no story). */
    private IntakeResult recordInStory(Connection c, Evaluated evaluated, FleetEvent cause) throws SQLException {
        Submission s = evaluated.submission();
        if (evaluated instanceof Invalid i) {
            return rejectIn(c, s, cause, i.reason(), i.error(), i.problems());
        }
        Valid v = (Valid) evaluated;
        // A whole spec waits for a patch being applied, so the patch's result is never silently overwritten.
        specs.lockFleet(c, s.fleet());
        List<RevertedPatch> reverts = PatchReverts.of(v.tree(), specs.pendingPatches(c, s.fleet()));
        return accept(c, s, v.tree(), v.result(), v.nixSource(), SpecStore.Provenance.file(reverts, s.allowRevert()),
                cause);
    }

    /** A REST host patch, in one transaction. */
    public IntakeResult patch(HostPatch p) {
        return database.inTransaction(c -> patch(c, p, null));
    }

    /**
     * Applies a host patch to the fleet's latest spec version, in one transaction with the fleet's intake locked
     * (two patches never both start from the same version). The result is validated like any spec; a patch for
     * an unknown host, for a fleet without a spec, or on a stale base version is rejected naming it.
     *
     * @param cause the event that carried the patch, or null for a REST patch
     */
    public IntakeResult patch(Connection c, HostPatch p, FleetEvent cause) throws SQLException {
        try (StoryContext.Scope story = StoryContext.forHost(p.fleet(), null, null).open()) {
            return patchInStory(c, p, cause);
        }
    }

    /** {@link #patch(Connection, HostPatch, FleetEvent)}, in the fleet's story. */
    private IntakeResult patchInStory(Connection c, HostPatch p, FleetEvent cause) throws SQLException {
        Submission s = new Submission(p.fleet(), p.source(), p.revision(), p.autoApprove(), false,
                new Submission.Unusable("host patch"));
        String badRevision = badRevision(p.revision());
        if (badRevision != null) {
            Submission without = new Submission(p.fleet(), p.source(), null, p.autoApprove(), false,
                    new Submission.Unusable("host patch"));
            return rejectIn(c, without, cause, IntakeResult.Reason.INVALID, badRevision,
                    List.of(new SpecProblem("(revision)", badRevision)));
        }
        specs.lockFleet(c, p.fleet());
        Optional<SpecVersion> latest = specs.findLatest(c, p.fleet());
        if (latest.isEmpty()) {
            String error = "fleet " + p.fleet() + " has no spec version to patch; push a whole spec first";
            return rejectIn(c, s, cause, IntakeResult.Reason.NOT_FOUND, error,
                    List.of(new SpecProblem("hosts." + p.host(), error)));
        }
        long base = latest.get().version();
        if (p.baseVersion() != null && p.baseVersion() != base) {
            String error = "patch of host " + p.host() + " is based on spec version " + p.baseVersion()
                    + " but fleet " + p.fleet() + " is at version " + base;
            return rejectIn(c, s, cause, IntakeResult.Reason.CONFLICT, error,
                    List.of(new SpecProblem("hosts." + p.host(), error)));
        }
        SpecPatch.Result patched = SpecPatch.apply(latest.get().content(), p);
        if (patched instanceof SpecPatch.Refused r) {
            String error = r.unknownHost()
                    ? "fleet " + p.fleet() + " has no host '" + p.host() + "' (spec version " + base + ")"
                    : "patch of host " + p.host() + " rejected";
            return rejectIn(c, s, cause, r.unknownHost() ? IntakeResult.Reason.NOT_FOUND
                    : IntakeResult.Reason.INVALID, error, r.problems());
        }
        SpecPatch.Patched done = (SpecPatch.Patched) patched;
        JsonNode tree = done.spec();
        List<SpecProblem> limits = SpecLimits.check(tree);
        if (!limits.isEmpty()) {
            return rejectIn(c, s, cause, IntakeResult.Reason.INVALID, "patch of host " + p.host() + " rejected",
                    limits);
        }
        SpecValidator.Result result = SpecValidator.validate(tree);
        if (!result.valid()) {
            int n = result.problems().size();
            return rejectIn(c, s, cause, IntakeResult.Reason.INVALID, "spec version " + base + " patched ("
                    + String.join(", ", ((SpecPatch.Patched) patched).changed()) + ") is invalid: " + n
                    + (n == 1 ? " problem" : " problems"), result.problems());
        }
        String requestedBy = p.requestedBy() == null || p.requestedBy().isBlank() ? p.source() : p.requestedBy();
        LOG.infof("host %s patched on spec version %d by %s: %s", p.host(), base,
                requestedBy, done.changed());
        return accept(c, s, tree, result, null, SpecStore.Provenance.patch(requestedBy, done.values()), cause);
    }

    private IntakeResult accept(Connection c, Submission s, JsonNode tree, SpecValidator.Result result,
                                String nixSource, SpecStore.Provenance provenance, FleetEvent cause)
            throws SQLException {
        HostsSpec spec = result.spec().orElseThrow();
        boolean autoApprove = s.autoApprove().or(() -> spec.fleetplane().autoApprove()).orElse(false);
        String hash = SpecJson.hash(tree);
        SpecVersion v = specs.insert(c, s.fleet(), hash, s.source(), s.revision(), tree, nixSource, autoApprove,
                provenance);
        for (RevertedPatch r : v.reverts()) {
            LOG.warnf("spec version %d %s%s", v.version(), r.note(),
                    v.allowRevert() ? " (allowed by the push)" : "");
        }
        FleetEvent accepted = publisher.publish(c, s.fleet(), EventCatalog.SPEC_ACCEPTED, s.fleet(),
                new SpecAccepted(s.fleet(), v.version(), hash, s.source(), s.revision(), spec.hostNames(),
                        result.warnings(), autoApprove),
                v.correlationId(), cause);
        // The spec version starts its own story (its correlation id), named here in the story of its submission.
        LOG.infof("spec version %d accepted (source %s, revision %s, %d hosts, correlation %s)",
                v.version(), s.source(), s.revision(), spec.hosts().size(), v.correlationId());
        planning.start(c, v, spec, accepted);
        return new IntakeResult.Accepted(v, result.warnings());
    }

    /** Records the refusal ({@code SpecRejected}) and nothing else: a rejected input leaves no state behind. */
    private IntakeResult rejectIn(Connection c, Submission s, FleetEvent cause, IntakeResult.Reason reason,
                                  String error, List<SpecProblem> problems) throws SQLException {
        publisher.publish(c, s.fleet(), EventCatalog.SPEC_REJECTED, s.fleet(),
                new SpecRejected(s.fleet(), s.source(), s.revision(), problems), null, cause);
        LOG.infof("spec rejected (source %s, revision %s): %s %s", s.source(),
                s.revision(), error, problems);
        return new IntakeResult.Rejected(reason, error, problems);
    }
}
