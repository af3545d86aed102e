package dev.fleetplane.console.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A viewer that keeps everything it is sent, for the session's unit tests. */
final class RecordingViewer implements Viewer {

    final String id;
    final String operator;
    final boolean mayWrite;
    final List<ServerMessage> controls = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile int closeCode;
    volatile String closeReason;

    RecordingViewer(String id, String operator, boolean mayWrite) {
        this.id = id;
        this.operator = operator;
        this.mayWrite = mayWrite;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String operator() {
        return operator;
    }

    @Override
    public String from() {
        return "192.0.2.1";
    }

    @Override
    public boolean mayWrite() {
        return mayWrite;
    }

    @Override
    public synchronized void output(byte[] bytes) {
        output.writeBytes(bytes);
    }

    synchronized String text() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void control(ServerMessage message) {
        controls.add(message);
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        closed.countDown();
    }

    ServerMessage.Lock lastLock() {
        for (int i = controls.size() - 1; i >= 0; i--) {
            if (controls.get(i) instanceof ServerMessage.Lock l) {
                return l;
            }
        }
        throw new AssertionError(id + " got no lock message: " + controls);
    }

    <T extends ServerMessage> List<T> all(Class<T> type) {
        return controls.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
