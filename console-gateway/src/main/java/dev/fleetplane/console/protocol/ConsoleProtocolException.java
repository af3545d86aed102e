package dev.fleetplane.console.protocol;

/** Malformed console protocol input, with the byte offset in the stream where it went wrong. */
public final class ConsoleProtocolException extends RuntimeException {

    private final long offset;

    ConsoleProtocolException(long offset, String problem) {
        super(problem + " at byte offset " + offset);
        this.offset = offset;
    }

    /** The offset, counted from the first byte the parser was fed, of the byte that broke the protocol. */
    public long offset() {
        return offset;
    }
}
