package io.halyard.server.dropin;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the drop-in tests share: Halyard as a child process ({@code java -cp <test class path>
 * io.halyard.server.Main}, the jar is not built in the test phase), a generated executable script
 * standing in for {@code bin/nats-server}, and a publish probe that tells allowed from denied.
 */
public final class DropIn {
    static final Duration WAIT = Duration.ofSeconds(5);

    private DropIn() {
    }

    /** The java of the JVM running the tests. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The JVM option the server jar's manifest stands for ({@code Add-Exports}), so the early listener is used. */
    static final String ADD_EXPORTS = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

    /** {@code java -cp <this test class path> -D... io.halyard.server.Main}, as {@code java -jar} runs it. */
    public static List<String> serverCommand(String exeName) {
        return serverCommand(exeName, List.of(ADD_EXPORTS));
    }

    /** As {@link #serverCommand(String)}, with {@code jvmOptions} in place of {@link #ADD_EXPORTS}. */
    static List<String> serverCommand(String exeName, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java().toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dhalyard.exe=" + exeName);
        cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; tests do not need peak speed
        cmd.addAll(jvmOptions);
        cmd.add("io.halyard.server.Main");
        return cmd;
    }

    /**
     * Writes an executable shell script {@code dir/name} that runs Halyard's Main with this test class
     * path under the executable name {@code name}, passing its arguments on: what {@code bin/nats-server}
     * does with the built jar, through {@code bin/lib/listen-first.pl} as it does when perl is there
     * (the client port listens before the JVM starts).
     */
    static Path serverScript(Path dir, String name) throws IOException {
        List<String> command = serverCommand(name);
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexec");
        Path listenFirst = repository().resolve("bin/lib/listen-first.pl");
        if (perl() != null && Files.isRegularFile(listenFirst)) {
            sh.append(' ').append(shellQuote(perl().toString())).append(' ').append(shellQuote(listenFirst.toString()))
                    .append(' ').append(command.size());
        }
        for (String part : command) {
            sh.append(' ').append(shellQuote(part));
        }
        sh.append(" \"$@\"\n");
        Path script = dir.resolve(name);
        Files.writeString(script, sh.toString(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The repository's root (the tests run in {@code server/}). */
    static Path repository() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
    }

    /** perl on the PATH, or null. */
    static Path perl() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "perl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A Halyard child process whose standard error (its log) is collected line by line. */
    public static final class Child implements AutoCloseable {
        public final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();

        private Child(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        lines.add(line);
                        synchronized (all) {
                            all.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "child-log");
            reader.setDaemon(true);
            reader.start();
        }

        public static Child start(List<String> args, Map<String, String> env) throws IOException {
            return start(List.of(ADD_EXPORTS), args, env);
        }

        /** Starts a server with {@code jvmOptions} in place of {@link #ADD_EXPORTS}. */
        static Child start(List<String> jvmOptions, List<String> args, Map<String, String> env) throws IOException {
            return start(List.of(), jvmOptions, args, env);
        }

        /**
         * Starts a server through {@code bin/lib/listen-first.pl}, as {@code bin/nats-server} does when
         * perl is there: the port named by {@code args} listens before the JVM starts.
         */
        static Child startListeningFirst(List<String> jvmOptions, List<String> args, Map<String, String> env)
                throws IOException {
            List<String> jvm = serverCommand("nats-server", jvmOptions);
            return start(List.of(perl().toString(), repository().resolve("bin/lib/listen-first.pl").toString(),
                    Integer.toString(jvm.size())), jvmOptions, args, env);
        }

        /** Starts {@code prefix} + the server command with {@code jvmOptions} + {@code args}. */
        static Child start(List<String> prefix, List<String> jvmOptions, List<String> args, Map<String, String> env)
                throws IOException {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(serverCommand("nats-server", jvmOptions));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // A test run inside a Kubernetes pod must not turn every child's SIGTERM into a lame duck.
            pb.environment().remove("KUBERNETES_SERVICE_HOST");
            pb.environment().putAll(env);
            return new Child(pb.start());
        }

        public long pid() {
            return process.pid();
        }

        /** Waits for a log line matching {@code regex}; fails with the whole log if none comes. */
        public String awaitLine(String regex, Duration timeout) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line != null && p.matcher(line).find()) {
                    return line;
                }
            }
            throw new AssertionError("no log line matching " + regex + " within " + timeout + "; log:\n" + log());
        }

        public String log() {
            synchronized (all) {
                return String.join("\n", all);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Connects as {@code user}, subscribes to {@code subject} and publishes to it. Returns null when the
     * message came back (allowed), else the {@code -ERR} text the server sent.
     */
    static String publishOutcome(String url, String user, String password, String subject) throws Exception {
        RecordingErrors errors = new RecordingErrors();
        Options options = new Options.Builder().server(url).userInfo(user, password).maxReconnects(0)
                .connectionTimeout(WAIT).errorListener(errors).build();
        try (Connection nc = Nats.connect(options)) {
            Subscription sub = nc.subscribe(subject);
            nc.flush(WAIT);
            nc.publish(subject, "probe".getBytes(StandardCharsets.UTF_8));
            nc.flush(WAIT);
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            if (m != null) {
                return null;
            }
            String error = errors.queue.poll(2, TimeUnit.SECONDS);
            if (error == null) {
                throw new AssertionError("the message neither came back nor was refused");
            }
            return error;
        }
    }

    /** Collects the {@code -ERR} texts jnats reports. */
    static final class RecordingErrors implements ErrorListener {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            queue.add(error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
        }
    }
}
