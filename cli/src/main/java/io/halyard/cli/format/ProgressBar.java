package io.halyard.cli.format;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn in place with {@code \r}, for long transfers when a person is watching:
 * {@code upload.bin [##########----------]  50%  1.0 MiB / 2.0 MiB}. When off (not a terminal, or
 * {@code --json}) it prints nothing, so scripts and pipes see only the result.
 *
 * <p>Not thread-safe: one transfer on one thread. Redraws at most every 100 ms.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean on;
    private long done;
    private long drawnAtNanos;

    private ProgressBar(PrintWriter out, String label, long total, boolean on) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.on = on;
    }

    /** A bar on {@code out} that draws only when {@code on}; a {@code total} ≤ 0 shows bytes without a bar. */
    public static ProgressBar of(PrintWriter out, String label, long total, boolean on) {
        return new ProgressBar(out, label, total, on);
    }

    /** Whether a person is likely watching: the JVM has a console (stdin and stdout are a terminal). */
    public static boolean terminal() {
        return System.console() != null;
    }

    public void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (on && now - drawnAtNanos >= REDRAW_NANOS) {
            drawnAtNanos = now;
            draw();
        }
    }

    /** Draws the final state and ends the line. */
    public void finish() {
        if (on) {
            draw();
            out.println();
            out.flush();
        }
    }

    private void draw() {
        String text;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            text = String.format("%s [%s%s] %3d%%  %s / %s", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                    Math.min(100, done * 100 / total), ByteSizes.format(done), ByteSizes.format(total));
        } else {
            text = label + "  " + ByteSizes.format(done);
        }
        out.print("\r" + text);
        out.flush();
    }

    /** Counts what is read through it. */
    public InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    advance(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    advance(n);
                }
                return n;
            }
        };
    }

    /** Counts what is written through it. */
    public OutputStream counting(OutputStream target) {
        return new FilterOutputStream(target) {
            @Override
            public void write(int b) throws IOException {
                target.write(b);
                advance(1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                target.write(buffer, offset, length);
                advance(length);
            }
        };
    }
}
