package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload whose connection is cut while the file streams (a real socket that reads 1 MiB, then resets): a typed,
 * retryable failure without an HTTP answer, after progress was reported for the bytes that went out.
 */
class UploadCutIT {

    private static final String SECRET = "0d9c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
    private static final long SIZE = 32L * 1024 * 1024;

    @Test
    void aStreamCutMidway_isTransientWithoutAnswer_andProgressStopsShortOfTheEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nixos.qcow2");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(1024 * 1024);
                    s.setSoLinger(true, 0); // close with a reset, as a dying proxy does
                } catch (IOException ignored) {
                    // the client side is what is tested
                }
            });
            peer.start();
            String base = "http://127.0.0.1:" + server.getLocalPort() + "/api2/json";
            PveConnection connection = PveConnection.of(base, "fleetplane@pve!adapter", SECRET);
            String url = base + "/nodes/pve/storage/local/upload";
            List<Long> progress = new CopyOnWriteArrayList<>();

            PveException e = assertThrows(PveException.class, () -> new PveUpload(connection).send(
                    new PveCall("upload", "POST", url, connection.principal()),
                    new UploadRequest("import", file, null, null, null), null, progress::add));
            peer.join();

            assertEquals(PveException.Failure.TRANSIENT, e.failure(), e.getMessage());
            assertEquals(0, e.httpStatus());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains(url), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
            assertFalse(progress.isEmpty(), "bytes went out before the cut");
            assertTrue(progress.get(progress.size() - 1) < SIZE, "cut before the end: " + progress.get(progress.size() - 1));
        }
    }
}
