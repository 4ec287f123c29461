import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How fast a server started by name is ready, as a harness such as jnats-server-runner sees it: the
 * time from spawning {@code <command> --port N} to the first accepted TCP connect (the port is
 * listening), and to the first {@code INFO} line read on that connection.
 *
 * <pre>
 *   java scripts/StartupTime.java [--runs 20] [--] bin/nats-server [more flags]
 *   java scripts/StartupTime.java -- nats-server                 # the real one, for comparison
 * </pre>
 *
 * A connect is tried every 2 ms until one is accepted; the same socket then sends a CONNECT and reads
 * until INFO, as jnats-server-runner's readiness check does. jnats-server-runner 3.0.1 with its
 * defaults connects at about 200, 250 and 300 ms after the spawn and gives up when all three are
 * refused; the last column counts the runs that its default window would have accepted (listening by
 * 250 ms, leaving the runner's own scheduling some slack). Prints one line per run, then the median,
 * 90th percentile and maximum.
 */
public final class StartupTime {
    private static final long RUNNER_WINDOW_MILLIS = 300;

    public static void main(String[] args) throws Exception {
        int runs = 20;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (args[i].equals("--")) {
                i++;
                break;
            }
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[i + 1]);
                i += 2;
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> command = new ArrayList<>(Arrays.asList(args).subList(i, args.length));
        if (command.isEmpty()) {
            command.add("bin/nats-server");
        }
        long[] listen = new long[runs];
        long[] info = new long[runs];
        int inWindow = 0;
        for (int r = 0; r < runs; r++) {
            long[] t = once(command);
            listen[r] = t[0];
            info[r] = t[1];
            if (t[0] <= RUNNER_WINDOW_MILLIS) {
                inWindow++;
            }
            System.out.printf("run %2d: listening after %4d ms, INFO after %4d ms%n", r + 1, t[0], t[1]);
        }
        Arrays.sort(listen);
        Arrays.sort(info);
        System.out.printf("%s, %d runs: listening median %d ms, p90 %d ms, max %d ms; "
                        + "INFO median %d ms, p90 %d ms, max %d ms; within the runner's default window: %d/%d%n",
                String.join(" ", command), runs, pct(listen, 50), pct(listen, 90), listen[runs - 1],
                pct(info, 50), pct(info, 90), info[runs - 1], inWindow, runs);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (sorted.length * p + 99) / 100 - 1)];
    }

    /** One start: {listening millis, INFO millis}. */
    private static long[] once(List<String> command) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Socket socket = null;
            while (socket == null) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the server exited with " + p.exitValue());
                }
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                    socket = s;
                } catch (ConnectException e) {
                    s.close();
                    Thread.sleep(2);
                }
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("not listening after 30 s");
                }
            }
            long listening = System.nanoTime() - start;
            try (Socket s = socket) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder seen = new StringBuilder();
                while (!(seen.indexOf("INFO") >= 0 && seen.indexOf("\n") > seen.indexOf("INFO"))) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("closed before INFO: " + seen);
                    }
                    seen.append((char) b);
                }
            }
            long infoAt = System.nanoTime() - start;
            return new long[] {TimeUnit.NANOSECONDS.toMillis(listening), TimeUnit.NANOSECONDS.toMillis(infoAt)};
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
