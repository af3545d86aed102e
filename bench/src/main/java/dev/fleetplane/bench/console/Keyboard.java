package dev.fleetplane.bench.console;

/** One console connection as the typing loop sees it: bytes go in, its own output comes back on its screen. */
interface Keyboard {

    /** Sends {@code keys} as one message, in the connection's own framing. */
    void type(byte[] keys);

    /** Everything this connection received. */
    Screen screen();
}
