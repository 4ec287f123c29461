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
 *   java scripts/StartupTime.java --store DIR [--streams 6 --messages 20000 --consumers 3] -- bin/nats-server
 * </pre>
 *
 * <p>With {@code --store DIR} every start gets {@code -js -sd DIR}, so the server has to reopen what
 * is there; when DIR does not exist yet it is filled first by one start of the same command: that
 * many file streams ({@code S0}, {@code S1}, … on {@code s0.>}, {@code s1.>}, …), each with that
 * many 256-byte messages (published with PubAcks, 1,000 in flight) and that many durable consumers.
 * Only the NATS protocol and the JetStream API are used, so the same store can be made with
 * nats-server.
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
        String store = null;
        int streams = 6;
        int messages = 20_000;
        int consumers = 3;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (args[i].equals("--")) {
                i++;
                break;
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(value); break;
                case "--store": store = value; break;
                case "--streams": streams = Integer.parseInt(value); break;
                case "--messages": messages = Integer.parseInt(value); break;
                case "--consumers": consumers = Integer.parseInt(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i += 2;
        }
        List<String> command = new ArrayList<>(Arrays.asList(args).subList(i, args.length));
        if (command.isEmpty()) {
            command.add("bin/nats-server");
        }
        if (store != null) {
            command.addAll(List.of("-js", "-sd", store));
            if (!new java.io.File(store).exists()) {
                Store.fill(command, streams, messages, consumers);
            }
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One start: {listening millis, INFO millis}. */
    private static long[] once(List<String> command) throws Exception {
        int port = freePort();
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

/** Fills a JetStream store through a started server: streams, messages with PubAcks, durable consumers. */
final class Store implements AutoCloseable {
    private final Socket socket;
    private final java.io.OutputStream out;
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    private Store(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = socket.getInputStream();
    }

    static void fill(List<String> command, int streams, int messages, int consumers) throws Exception {
        int port = StartupTime.freePort();
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--port", Integer.toString(port)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Socket socket = null;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); socket == null; Thread.sleep(20)) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("the server did not start");
                }
                try {
                    socket = new Socket("127.0.0.1", port);
                } catch (ConnectException e) {
                    // not yet
                }
            }
            try (Store s = new Store(socket)) {
                s.fill(streams, messages, consumers);
            }
            System.out.printf("filled %d streams of %d messages with %d consumers each%n", streams, messages, consumers);
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private void fill(int streams, int messages, int consumers) throws IOException {
        socket.setSoTimeout(30_000);
        line(); // INFO
        send("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true}\r\nSUB _R.> 1\r\nPING\r\n");
        out.flush();
        while (!line().equals("PONG")) {
            // skip
        }
        byte[] payload = new byte[256];
        for (int n = 0; n < streams; n++) {
            request("$JS.API.STREAM.CREATE.S" + n, ("{\"name\":\"S" + n + "\",\"subjects\":[\"s" + n
                    + ".>\"],\"storage\":\"file\"}").getBytes(StandardCharsets.US_ASCII));
            int acked = 0;
            for (int m = 0; m < messages; m++) {
                publish("s" + n + ".k" + (m % 50), "_R.a", payload);
                if (m - acked >= 1_000) {
                    out.flush();
                    acked += expectReply("\"seq\"");
                }
            }
            out.flush();
            while (acked < messages) {
                acked += expectReply("\"seq\"");
            }
            for (int c = 0; c < consumers; c++) {
                request("$JS.API.CONSUMER.DURABLE.CREATE.S" + n + ".C" + c, ("{\"stream_name\":\"S" + n
                        + "\",\"config\":{\"durable_name\":\"C" + c + "\",\"ack_policy\":\"explicit\"}}")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private void request(String subject, byte[] body) throws IOException {
        publish(subject, "_R.r", body);
        out.flush();
        expectReply("\"type\"");
    }

    private void publish(String subject, String reply, byte[] payload) throws IOException {
        send("PUB " + subject + " " + reply + " " + payload.length + "\r\n");
        out.write(payload);
        send("\r\n");
    }

    /** Reads one MSG; 1 if its payload holds {@code mustHave} and no error, else fails. */
    private int expectReply(String mustHave) throws IOException {
        String control = line();
        while (control.equals("PING") || control.equals("+OK")) {
            if (control.equals("PING")) {
                send("PONG\r\n");
                out.flush();
            }
            control = line();
        }
        if (!control.startsWith("MSG ")) {
            throw new IOException("unexpected: " + control);
        }
        int size = Integer.parseInt(control.substring(control.lastIndexOf(' ') + 1));
        String body = new String(bytes(size + 2), 0, size, StandardCharsets.UTF_8);
        if (!body.contains(mustHave) || body.contains("\"error\"")) {
            throw new IOException("unexpected answer: " + body);
        }
        return 1;
    }

    private void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (start == end) {
                refill();
            }
            byte b = buffer[start++];
            if (b == '\n') {
                return sb.toString().strip();
            }
            sb.append((char) b);
        }
    }

    private byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        for (int i = 0; i < n; ) {
            if (start == end) {
                refill();
            }
            int k = Math.min(n - i, end - start);
            System.arraycopy(buffer, start, out, i, k);
            start += k;
            i += k;
        }
        return out;
    }

    private void refill() throws IOException {
        start = 0;
        end = in.read(buffer);
        if (end < 0) {
            throw new IOException("the server closed the connection");
        }
    }

    public void close() throws IOException {
        socket.close();
    }
}
