package io.halyard.server.dropin;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        for (String name : List.of("halyard", "nats-server")) {
            Files.copy(source.resolve(name), bin.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
        jar = Files.createDirectories(repo.resolve("server/target")).resolve("halyard-server.jar");
        Files.createFile(jar);
        // The stand-in java: its process id (the same as the script's, if the scripts exec), then its arguments.
        Path fakeJava = repo.resolve("fake-java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"pid=$$\"\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
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
        List<String> java = run(repo.resolve("bin/halyard"), "-Xmx64m -Dx=1", "-p", "4222", "--name", "a b");
        assertEquals(List.of("-Dhalyard.exe=halyard", "-Xmx64m", "-Dx=1", "-jar", jar.toRealPath().toString(),
                "-p", "4222", "--name", "a b"), java);
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
