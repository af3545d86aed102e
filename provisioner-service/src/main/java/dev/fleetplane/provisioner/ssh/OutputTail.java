package dev.fleetplane.provisioner.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a remote command printed, in bounded memory however much it prints: at most
 * {@code maxLines} lines of at most {@code maxLineLength} bytes each (longer lines are cut and marked).
 * stdout and stderr each write through their own {@link #sink()}, so their partial lines never mix.
 */
public final class OutputTail {

    static final String CUT_MARK = " …[cut]";

    private final int maxLines;
    private final int maxLineLength;
    private final Deque<String> lines = new ArrayDeque<>();
    private long totalLines;
    private final java.util.function.Consumer<String> onLine;

    public OutputTail(int maxLines, int maxLineLength) {
        this(maxLines, maxLineLength, line -> { });
    }

    /** {@code onLine} sees every complete (possibly cut) line as it arrives, on the pump's thread. */
    public OutputTail(int maxLines, int maxLineLength, java.util.function.Consumer<String> onLine) {
        if (maxLines < 1 || maxLineLength < 1) {
            throw new IllegalArgumentException("output tail needs at least one line of one byte, got "
                    + maxLines + " lines of " + maxLineLength);
        }
        this.maxLines = maxLines;
        this.maxLineLength = maxLineLength;
        this.onLine = onLine;
    }

    /** A stream for one of the command's outputs; closing it flushes its unfinished last line. */
    public OutputStream sink() {
        return new LineSink();
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many lines the command printed in all (the tail keeps only the last ones). */
    public synchronized long totalLines() {
        return totalLines;
    }

    private void add(String line) {
        synchronized (this) {
            totalLines++;
            if (lines.size() == maxLines) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }
        onLine.accept(line);
    }

    private final class LineSink extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private boolean cut;
        private boolean closed;

        @Override
        public void write(int b) {
            if (b == '\n') {
                endLine();
            } else if (b != '\r') {
                if (current.size() < maxLineLength) {
                    current.write(b);
                } else {
                    cut = true;
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (current.size() > 0 || cut) {
                    endLine();
                }
            }
        }

        private void endLine() {
            String line = current.toString(StandardCharsets.UTF_8);
            add(cut ? line + CUT_MARK : line);
            current.reset();
            cut = false;
        }
    }
}
