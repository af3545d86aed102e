package dev.fleetplane.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the terminal client makes of the gateway's control messages (text frames, one JSON object each): the lines it
 * tells the operator, in words, and the messages it answers with ({@code release} when {@code --read-only} was given
 * the keyboard, {@code take} once for {@code --take}). It remembers who has the keyboard so that a repeated
 * {@code lock} message says nothing new. Pure: no I/O; {@link #closed} words the gateway's closing codes.
 */
public final class SessionView {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the operator asked to join: as the gateway decides, never typing, or taking the keyboard. */
    public enum Mode { DEFAULT, READ_ONLY, TAKE }

    /** What one message leads to: lines for stderr (possibly none) and JSON messages to send back (possibly none). */
    public record Reaction(List<String> notices, List<String> replies) {
        static final Reaction NOTHING = new Reaction(List.of(), List.of());
    }

    private final Mode mode;
    private boolean welcomed;
    private boolean tookOnce;
    private String lastLock;
    private int viewers;
    private String lastError;
    private boolean writer;

    public SessionView(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Whether the gateway welcomed this client (auth passed and the VM's line is open). */
    public boolean welcomed() {
        return welcomed;
    }

    /** Whether this client holds the keyboard now, as the last {@code lock} message said. */
    public boolean writer() {
        return writer;
    }

    /** Reacts to one text frame's content. */
    public Reaction on(String text) {
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException e) {
            return notice("the gateway sent a control message that is not JSON: " + abbreviate(text));
        }
        if (m == null || !m.isObject() || !m.path("type").isTextual()) {
            return notice("the gateway sent a control message without a type: " + abbreviate(text));
        }
        String type = m.get("type").asText();
        return switch (type) {
            case "welcome" -> welcome(m);
            case "lock" -> lock(m);
            case "backend" -> backend(m);
            case "error" -> error(m);
            case "replay", "pong" -> Reaction.NOTHING;
            default -> notice("the gateway sent a control message of unknown type '" + abbreviate(type) + "'");
        };
    }

    private Reaction welcome(JsonNode m) {
        welcomed = true;
        String where = m.path("host").asText("?") + " (VM " + m.path("vmid").asText("?") + " on "
                + m.path("node").asText("?") + ")";
        String access = "read".equals(m.path("access").asText()) ? ", read-only (operator "
                + m.path("operator").asText("?") + " has read access)" : "";
        return notice("Connected to " + where + " via " + m.path("backend").asText("?") + access + ". Ctrl-] leaves.");
    }

    private Reaction lock(JsonNode m) {
        boolean you = "writer".equals(m.path("you").asText());
        String holder = m.path("writer").isTextual() ? m.path("writer").asText() : null;
        String key = you + "|" + holder + "|" + m.path("writerSession").asText("");
        int count = m.path("viewers").asInt(0);
        List<String> notices = new ArrayList<>();
        List<String> replies = new ArrayList<>();
        boolean changed = !key.equals(lastLock);
        if (changed) {
            if (you && mode == Mode.READ_ONLY) {
                replies.add(message("release"));
            } else if (you) {
                notices.add("you have the keyboard" + (count > 1 ? " (" + count + " viewers)" : ""));
            } else if (mode == Mode.TAKE && !tookOnce) {
                replies.add(message("take"));
            } else if (mode == Mode.READ_ONLY) {
                notices.add("read-only (--read-only): " + (holder == null ? "nobody has" : holder + " has")
                        + " the keyboard" + (count > 1 ? " (" + count + " viewers)" : ""));
            } else {
                notices.add("read-only: " + (holder == null ? "nobody has the keyboard" : holder + " has the keyboard")
                        + (count > 1 ? " (" + count + " viewers)" : ""));
            }
            if (!you && mode == Mode.TAKE) {
                tookOnce = true;
            }
        } else if (count != viewers) {
            notices.add(count + (count == 1 ? " viewer" : " viewers") + " now");
        }
        lastLock = key;
        viewers = count;
        writer = you;
        lastError = null;
        return new Reaction(List.copyOf(notices), List.copyOf(replies));
    }

    private Reaction backend(JsonNode m) {
        String state = m.path("state").asText("");
        String message = m.path("message").asText("");
        String text = switch (state) {
            case "reconnecting" -> "console reconnecting: " + (message.isEmpty() ? "the VM's line dropped" : message);
            case "connected" -> "console back" + (message.isEmpty() ? "" : ": " + message);
            default -> "console backend " + abbreviate(state) + (message.isEmpty() ? "" : ": " + message);
        };
        lastError = null;
        return notice(text);
    }

    private Reaction error(JsonNode m) {
        String code = m.path("code").asText("");
        String message = m.path("message").asText("");
        String text = switch (code) {
            case "read-only" -> "read-only: typing is not sent (" + message + ")";
            case "bad-message" -> "the gateway refused a message: " + message;
            case "not-allowed" -> "not allowed: " + message;
            default -> "gateway error " + abbreviate(code) + ": " + message;
        };
        // Every keystroke of a reader is refused alike: say it once until something else happens.
        if (text.equals(lastError)) {
            return Reaction.NOTHING;
        }
        lastError = text;
        return notice(text);
    }

    /**
     * The gateway's closing code and reason in words (the contract's codes; others by number), e.g. {@code console
     * closed: the gateway does not know this token (4401: token unknown)}.
     */
    public static String closed(int code, String reason, String host) {
        String why = reason == null || reason.isBlank() ? "" : reason.strip();
        String words = switch (code) {
            case 1000 -> "the gateway closed the console";
            case 4401 -> "the gateway refused the token (missing or unknown)";
            case 4403 -> "this operator may not open " + host;
            case 4404 -> "the gateway knows no VM named " + host;
            case 4408 -> "no auth message reached the gateway in time";
            case 4409 -> "the VM cannot give a console";
            case 4000 -> "closed after the idle timeout (no input and no output)";
            case 4429 -> "the gateway dropped this client: it did not read the output fast enough";
            case 1009 -> "a message was too big for the gateway";
            case 1011 -> "the console's backend is gone, or the gateway failed";
            case 1001 -> "the gateway is going away";
            case 1006 -> "the connection to the gateway broke (no close message)";
            default -> "the gateway closed the console with code " + code;
        };
        return "console closed: " + words + (why.isEmpty() ? "" : " (" + code + ": " + why + ")");
    }

    /** {@code {"type":"auth","token":…,"cols":…,"rows":…}}; the size only when known. */
    public static String auth(String token, TerminalState.WindowSize size) {
        ObjectNode m = JSON.createObjectNode().put("type", "auth").put("token", token);
        if (size != null) {
            m.put("cols", size.cols()).put("rows", size.rows());
        }
        return m.toString();
    }

    /** {@code {"type":"resize","cols":…,"rows":…}}. */
    public static String resize(TerminalState.WindowSize size) {
        return JSON.createObjectNode().put("type", "resize").put("cols", size.cols()).put("rows", size.rows()).toString();
    }

    /** A message that is only its type: {@code ping}, {@code take}, {@code release}. */
    public static String message(String type) {
        return JSON.createObjectNode().put("type", type).toString();
    }

    private static Reaction notice(String line) {
        return new Reaction(List.of(line), List.of());
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 80 ? one : one.substring(0, 80) + "…";
    }
}
