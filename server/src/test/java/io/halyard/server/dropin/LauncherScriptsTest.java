package io.halyard.server.dropin;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/halyard} and {@code bin/nats-server}, run from a copy of the repository layout with a
 * stand-in {@code JAVA} that prints what it was given (the real jar is built after the tests).
 */
@Timeout(30)
class LauncherScriptsTest {
    @TempDir
    Path repo;
    private Path jar;

    @BeforeEach
    void copyScripts() throws Exception {
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Path source = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent().resolve("bin");
        Files.createDirectories(bin.resolve("lib"));
        for (String name : List.of("halyard", "nats-server", "lib/listen-first.pl")) {
            Files.copy(source.resolve(name), bin.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
        jar = Files.createDirectories(repo.resolve("server/target")).resolve("halyard-server.jar");
        Files.createFile(jar);
        // The stand-in java: its process id (the same as the script's, if the scripts exec), then its arguments.
        fakeJava("fake-java", "");
        // One that also says whether its standard input is a socket, and stays a while to be connected to.
        fakeJava("fake-java-listening", "if [ -S /dev/stdin ]; then echo stdin=socket; else echo stdin=other; fi\n"
                + "echo ready\nexec sleep 5\n");
    }

    private void fakeJava(String name, String more) throws Exception {
        Path fake = repo.resolve(name);
        Files.writeString(fake, "#!/bin/sh\necho \"pid=$$\"\n" + more + "for a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs {@code script args}; returns the stand-in java's output lines, checking it ran in the script's process. */
    private List<String> run(Path script, String jvmOpts, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA", repo.resolve("fake-java").toString());
        if (jvmOpts == null) {
            pb.environment().remove("HALYARD_JVM_OPTS");
        } else {
            pb.environment().put("HALYARD_JVM_OPTS", jvmOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals("pid=" + p.pid(), lines.get(0), "the launcher execs java, so signals reach the server");
        return lines.subList(1, lines.size());
    }

    @Test
    void shouldRunTheJarWithJvmOptionsAndTheArgumentsAsGiven() throws Exception {
        String port = Integer.toString(DropIn.freePort());
        List<String> java = run(repo.resolve("bin/halyard"), "-Xmx64m -Dx=1", "-p", port, "--name", "a b");
        // With perl on Linux the port was bound before "java" started, and the JVM is told so.
        List<String> early = DropIn.perl() != null && System.getProperty("os.name").contains("Linux")
                ? List.of("-Dhalyard.listen_fd=0") : List.of();
        List<String> expected = new java.util.ArrayList<>(early);
        expected.addAll(List.of("-Dhalyard.exe=halyard", "-Xmx64m", "-Dx=1", "-jar", jar.toRealPath().toString(),
                "-p", port, "--name", "a b"));
        assertEquals(expected, java);
    }

    /** Starts {@code bin/nats-server args} with the listening stand-in; returns it and what it said of its stdin. */
    private Process startListening(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(repo.resolve("bin/nats-server").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA", repo.resolve("fake-java-listening").toString());
        pb.environment().remove("HALYARD_JVM_OPTS");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static List<String> linesUntilReady(Process p) throws Exception {
        java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new java.util.ArrayList<>();
        for (String line = r.readLine(); line != null && !line.equals("ready"); line = r.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void shouldListenOnTheClientPortBeforeTheJvmStarts() throws Exception {
        assumeTrue(DropIn.perl() != null && System.getProperty("os.name").contains("Linux"),
                "the launcher binds early on Linux, with perl");
        int port = DropIn.freePort();
        Process p = startListening(Map.of(), "-js", "-sd", "store", "-a", "127.0.0.1", "--port", Integer.toString(port));
        try {
            List<String> lines = linesUntilReady(p);
            assertEquals("pid=" + p.pid(), lines.get(0));
            assertEquals("stdin=socket", lines.get(1), "the listening socket is the JVM's standard input");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000); // accepted by the kernel's backlog
            }
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldLeaveTheBindToTheServerWhenTheHostOrPortIsNotKnownForSure() throws Exception {
        assumeTrue(DropIn.perl() != null, "no perl: the launcher runs the JVM directly");
        String port = Integer.toString(DropIn.freePort());
        List<List<String>> cases = List.of(List.of("-p", "-1"), List.of("-c", "x.conf", "-p", port),
                List.of("-a", "localhost", "-p", port), List.of("--version", "-p", port), List.of("-js"));
        for (List<String> args : cases) {
            Process p = startListening(Map.of(), args.toArray(new String[0]));
            try {
                assertEquals("stdin=other", linesUntilReady(p).get(1), args.toString());
            } finally {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        // A host from the environment may differ from the default.
        Process p = startListening(Map.of("HALYARD_ADDR", "127.0.0.1"), "-p", port);
        try {
            assertEquals("stdin=other", linesUntilReady(p).get(1));
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRunAsNatsServerThroughTheShim() throws Exception {
        List<String> java = run(repo.resolve("bin/nats-server"), null, "-js", "--config", "x.conf");
        assertEquals(List.of("-Dhalyard.exe=nats-server", "-jar", jar.toRealPath().toString(), "-js", "--config",
                "x.conf"), java, "the ports file is nats-server_<pid>.ports");
    }

    @Test
    void shouldFindTheRepositoryWhenCalledThroughASymlinkOnPath() throws Exception {
        Path onPath = Files.createDirectories(repo.resolve("somewhere-on-path"));
        Path link = Files.createSymbolicLink(onPath.resolve("nats-server"), repo.resolve("bin/nats-server"));
        List<String> java = run(link, "-Xss1m", "-p", "-1");
        assertEquals(List.of("-Dhalyard.exe=nats-server", "-Xss1m", "-jar", jar.toRealPath().toString(), "-p", "-1"),
                java);
    }
}
