package dev.fleetplane.pvesim.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A file with one line per answered request, {@code <ISO instant> <METHOD> <path> <status>}, flushed per line, for a
 * test that runs the simulator as another process and counts calls ({@code POST …/clone}). The query string is left
 * out: it can carry a VNC ticket.
 */
public final class RequestLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RequestLog.class.getName());

    private final Path file;
    private final Writer out;

    public RequestLog(Path file) {
        this.file = file;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the request log " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code api}, logging every answer it gives (faults included, as they are answers too). */
    public Function<RawRequest, ApiResponse> around(Function<RawRequest, ApiResponse> api) {
        return request -> {
            ApiResponse response = api.apply(request);
            write(Instant.now() + " " + request.method() + " " + request.rawPath() + " " + response.status());
            return response;
        };
    }

    private synchronized void write(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.warning(() -> "cannot write the request log " + file + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.fine(() -> "closing the request log " + file + ": " + e.getMessage());
        }
    }
}
