package io.halyard.server;

import io.halyard.server.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --signal COMMAND[=PID]} ({@code -sl}): sends a signal to a running server, as nats-server's
 * {@code ProcessSignal} does, with nats-server's command → signal table:
 *
 * <table>
 *   <caption>commands</caption>
 *   <tr><th>command</th><th>signal</th><th>what Halyard does</th></tr>
 *   <tr><td>{@code reload}</td><td>SIGHUP</td><td>re-reads the config file ({@link Reload})</td></tr>
 *   <tr><td>{@code term}</td><td>SIGTERM</td><td>graceful stop</td></tr>
 *   <tr><td>{@code quit}</td><td>SIGINT</td><td>graceful stop</td></tr>
 *   <tr><td>{@code stop}</td><td>SIGKILL</td><td>killed at once</td></tr>
 *   <tr><td>{@code ldm}</td><td>SIGUSR2</td><td>lame-duck mode: drain the clients, then stop ({@link LameDuck})</td></tr>
 *   <tr><td>{@code reopen}</td><td>SIGUSR1</td><td>refused here: a JVM without a handler would die of it</td></tr>
 * </table>
 *
 * <p>{@code PID} is a process id, a pid file (as in nats-server), or a prefix ending in {@code *}.
 * Without one, the signal goes to the only Halyard process running on this machine (found by its
 * command line); several are an error listing them.
 *
 * <p>The signal is sent with the {@code kill} command (the JDK can only send SIGTERM and SIGKILL).
 */
final class SignalCommand {
    private static final long KILL_TIMEOUT_SECONDS = 10;

    private SignalCommand() {
    }

    /**
     * Sends the signal {@code spec} asks for.
     *
     * @param spec {@code COMMAND} or {@code COMMAND=PID}
     * @throws ConfigException with a one-line message when the command is unknown or unsupported, no
     *                         process matches, or the signal cannot be sent
     */
    static void send(String spec) {
        String[] parts = spec.split("=", -1);
        if (parts.length > 2) {
            throw new ConfigException("invalid signal parameters: " + List.of(parts).subList(2, parts.length));
        }
        String signal = signalFor(parts[0]);
        String pidExpr = parts.length == 2 ? maybeReadPidFile(parts[1]) : "";
        List<Long> pids = resolve(pidExpr);
        List<String> errors = new ArrayList<>();
        for (long pid : pids) {
            String error = kill(signal, pid);
            if (error != null) {
                errors.add("signal \"" + parts[0] + "\" " + pid + ": " + error);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
    }

    /** The signal name ({@code kill -s NAME}) for a nats-server signal command. */
    static String signalFor(String command) {
        switch (command.toLowerCase(Locale.ROOT)) {
            case "reload": return "HUP";
            case "term": return "TERM";
            case "quit": return "INT";
            case "stop": return "KILL";
            case "ldm": return "USR2";
            case "reopen":
                throw new ConfigException("signal \"reopen\" is not supported by Halyard yet: log files are not reopened");
            default:
                throw new ConfigException("unknown signal \"" + command + "\"");
        }
    }

    /** nats-server: a pid argument that names a readable file is a pid file. */
    private static String maybeReadPidFile(String pidExpr) {
        Path file = Path.of(pidExpr);
        if (!pidExpr.isEmpty() && Files.isRegularFile(file)) {
            try {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                return pidExpr;
            }
        }
        return pidExpr;
    }

    private static List<Long> resolve(String pidExpr) {
        boolean glob = pidExpr.endsWith("*");
        String digits = glob ? pidExpr.substring(0, pidExpr.length() - 1) : pidExpr;
        if (!digits.isEmpty() && !digits.chars().allMatch(Character::isDigit)) {
            throw new ConfigException("invalid pid: " + digits);
        }
        if (!digits.isEmpty() && !glob) {
            return List.of(Long.parseLong(digits));
        }
        List<Long> running = runningServers();
        List<Long> matching = new ArrayList<>();
        for (long pid : running) {
            if (Long.toString(pid).startsWith(digits)) {
                matching.add(pid);
            }
        }
        if (matching.isEmpty()) {
            throw new ConfigException("no halyard processes running");
        }
        if (matching.size() > 1 && !glob) {
            StringBuilder sb = new StringBuilder("multiple halyard processes running:");
            matching.forEach(p -> sb.append('\n').append(p));
            throw new ConfigException(sb.toString());
        }
        return matching;
    }

    /** Other processes of this machine that run Halyard's server (by main class or jar name). */
    private static List<Long> runningServers() {
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() != self && isHalyardServer(p.info())) {
                pids.add(p.pid());
            }
        });
        return pids;
    }

    private static boolean isHalyardServer(ProcessHandle.Info info) {
        String[] args = info.arguments().orElse(new String[0]);
        for (String a : args) {
            if (a.equals(Main.class.getName()) || a.endsWith("halyard-server.jar")) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code kill -s SIGNAL pid}; returns null on success, else what went wrong. */
    private static String kill(String signal, long pid) {
        ProcessBuilder pb = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "kill did not finish";
            }
            if (p.exitValue() != 0) {
                String text = new String(output, StandardCharsets.UTF_8).trim();
                return text.isEmpty() ? "kill exited with " + p.exitValue() : text;
            }
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
