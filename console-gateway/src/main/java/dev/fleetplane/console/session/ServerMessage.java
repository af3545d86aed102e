package dev.fleetplane.console.session;

/**
 * The gateway's control messages to its clients: one JSON object per WebSocket text message, {@code type} first
 * (console-gateway/DESIGN.md, "Client protocol"). Terminal bytes travel in binary messages, never here.
 */
public sealed interface ServerMessage {

    String type();

    /** Admitted: who and what this viewer is looking at. */
    record Welcome(String session, String console, String host, int vmid, String node, String backend, String operator,
                   String access) implements ServerMessage {
        @Override
        public String type() {
            return "welcome";
        }
    }

    /** The next {@code bytes} binary bytes are output from before this viewer joined. */
    record Replay(int bytes) implements ServerMessage {
        @Override
        public String type() {
            return "replay";
        }
    }

    /** Who has the keyboard (null: nobody), what this viewer is, and how many watch. */
    record Lock(String writer, String writerSession, String you, int viewers) implements ServerMessage {
        @Override
        public String type() {
            return "lock";
        }
    }

    /** The VM's line: {@code reconnecting} after it dropped, {@code connected} when it is back. */
    record Backend(String state, String message) implements ServerMessage {
        @Override
        public String type() {
            return "backend";
        }
    }

    /** Something this viewer asked for was refused or could not be read; the connection stays open. */
    record Error(String code, String message) implements ServerMessage {
        @Override
        public String type() {
            return "error";
        }
    }

    /** The answer to a client's {@code ping}. */
    record Pong() implements ServerMessage {
        @Override
        public String type() {
            return "pong";
        }
    }
}
