package io.halyard.server;

import io.halyard.core.Broker;
import io.halyard.server.config.CommandLine;
import io.halyard.server.config.ConfigException;
import io.halyard.server.config.ServerOptions;
import io.halyard.server.monitor.MonitorListener;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code halyard} (and {@code nats-server}, through {@code bin/nats-server}) — the server's entry
 * point. Takes nats-server's flags and config file ({@link CommandLine}) plus {@code HALYARD_<FLAG>}
 * environment variables, starts the server, writes the pid and ports files, reloads the config on
 * SIGHUP ({@link Reload}), stops gracefully on SIGTERM/SIGINT (stop accepting, flush what is
 * queued to clients, close, exit 0, as nats-server does) and drains in lame-duck mode on SIGUSR2.
 *
 * <h2>Where settings come from</h2>
 * Lowest first: the config file ({@code -c}), then {@code HALYARD_<FLAG>} environment variables,
 * then the command-line flags. {@code HALYARD_PORT=4333} is the flag {@code --port=4333}; the part
 * after {@code HALYARD_} is the flag's long name in upper case ({@code HALYARD_STORE_DIR},
 * {@code HALYARD_CONFIG}). The variables are turned into flags placed before the real ones, so a
 * flag wins over a variable and both over the file. A {@code HALYARD_} variable that names no flag is
 * an error, so a typo does not go unnoticed. {@code HALYARD_JVM_OPTS} belongs to the launcher and is
 * not a flag.
 *
 * <h2>The executable's name</h2>
 * nats-server names its ports file {@code <basename of argv[0]>_<pid>.ports}; harnesses look for
 * {@code nats-server_<pid>.ports}. A JVM has no argv[0] of its own, so the launcher passes the name
 * it was invoked as in the system property {@value #EXE_PROPERTY} ({@code bin/nats-server} sets
 * {@code nats-server}); the default is {@code halyard}.
 */
public final class Main {
    /**
     * Main's logger, created on first use: finding the logging system costs ~15 ms of class loading,
     * which would otherwise come before the client port is bound.
     */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(Main.class.getName());
    }

    /** System property naming the executable, for the ports file (set by the launcher scripts). */
    public static final String EXE_PROPERTY = "halyard.exe";
    /** Prefix of the environment variables that act as flags. */
    public static final String ENV_PREFIX = "HALYARD_";
    /** {@code HALYARD_} variables that belong to the launcher scripts, not to the server. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("HALYARD_JVM_OPTS");

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command. Returns an exit code for commands that end at once (help, version, signal,
     * config test, errors), or -1 after the server has been started and then stopped by a signal.
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String exe = exeName();
        String[] allArgs;
        CommandLine.Parsed parsed;
        ServerOptions options;
        try {
            allArgs = withEnvironment(args, env);
            parsed = CommandLine.parse(allArgs);
            if (parsed.showHelp()) {
                out.print(CommandLine.usage());
                return 0;
            }
            if (parsed.showVersion()) {
                out.println(versionLine());
                return 0;
            }
            if (parsed.signal() != null) {
                SignalCommand.send(parsed.signal());
                return 0;
            }
            options = CommandLine.load(parsed, env);
            if (parsed.testConfig()) {
                options.warnings.forEach(w -> err.println(exe + ": warning: " + w));
                out.println(exe + ": configuration file " + parsed.configFile() + " test is successful");
                return 0;
            }
        } catch (ConfigException e) {
            err.println(exe + ": " + e.getMessage());
            return 1;
        }
        // Listen before anything heavy is loaded: harnesses connect a few hundred ms after the spawn.
        // On Linux the launcher may have bound the port already, before the JVM started.
        EarlyListener early = EarlyListener.fromLauncher(options.port);
        if (early == null && EarlyListener.canHandOver()) {
            try {
                early = EarlyListener.bind(options.host, options.port);
            } catch (IOException | RuntimeException e) {
                err.println(exe + ": cannot start: cannot listen on " + options.host + ":" + Math.max(options.port, 0)
                        + ": " + e.getMessage());
                return 1;
            }
        }
        try {
            return serve(exe, options, early, () -> loadOptions(allArgs, env), err);
        } finally {
            // Netty owns the socket now; the java.nio object must outlive it (see EarlyListener).
            Reference.reachabilityFence(early);
        }
    }

    /**
     * Starts the server and blocks until a signal stops it (-1); 1 if it cannot start.
     *
     * @param early  the client socket, already listening, or null for the server to bind it
     * @param reload loads the options again, for a config reload
     */
    private static int serve(String exe, ServerOptions options, EarlyListener early, Supplier<ServerOptions> reload,
                             PrintStream err) {
        HalyardServer server;
        ProcessFiles files = new ProcessFiles(exe, options);
        try {
            Logging.configure(options.debug, options.trace, options.logTime, options.logFile);
            Log.LOG.log(System.Logger.Level.INFO, "Starting halyard v{0} (nats-server protocol v{1})",
                    Broker.HALYARD_VERSION, Broker.NATS_COMPATIBLE_VERSION);
            options.warnings.forEach(w -> Log.LOG.log(System.Logger.Level.WARNING, w));
            server = new HalyardServer(options).start(early);
            if (early != null && early.boundByLauncher() && early.handedOver()) {
                Log.LOG.log(System.Logger.Level.DEBUG, "Serving on the client socket the launcher bound before the JVM started");
            }
            files.write(server.port(), server.webSocketPort(), server.monitorPort());
        } catch (Exception e) {
            if (early != null) {
                early.close(); // unless the server took it over
            }
            err.println(exe + ": cannot start: " + e.getMessage());
            Log.LOG.log(System.Logger.Level.DEBUG, "start failure", e);
            return 1;
        }
        new Reload(server, options, reload).installSignalHandler();
        Runnable stop = () -> {
            server.stop();
            files.deletePortsFile();
        };
        // Like nats-server, SIGTERM and SIGINT stop the server and exit with 0. Stopping in the
        // handler, before System.exit, also keeps the shutdown log: once the JVM's shutdown hooks
        // run, java.util.logging's own hook may already have closed the log handlers.
        // In Kubernetes (or with lame_duck_on_sigterm) SIGTERM drains instead, as SIGUSR2 does: the
        // kubelet stops a pod with SIGTERM, and clients should move to other pods gradually.
        Runnable lameDuck = () -> server.enterLameDuckMode(() -> {
            files.deletePortsFile();
            System.exit(0);
        });
        if (Boolean.TRUE.equals(options.lameDuckOnSigterm)) {
            trap("TERM", "terminated", lameDuck);
        } else {
            trap("TERM", "terminated", () -> {
                stop.run();
                System.exit(0);
            });
        }
        trap("INT", "interrupt", () -> {
            stop.run();
            System.exit(0);
        });
        // SIGUSR2 (--signal ldm), as nats-server: lame-duck mode drains the clients over
        // lame_duck_duration, then stops and exits 0; a second SIGUSR2 closes what remains at once.
        trap("USR2", "user defined signal 2", lameDuck);
        // For any other way the JVM ends (System.exit elsewhere, or signals that cannot be trapped).
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "halyard-shutdown"));
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /**
     * The options a start or a reload uses: the config file, then the {@code HALYARD_} variables of
     * {@code env}, then {@code args}.
     *
     * @throws ConfigException for a bad variable, flag or config file
     */
    public static ServerOptions loadOptions(String[] args, Map<String, String> env) {
        return CommandLine.load(withEnvironment(args, env), env);
    }

    /** {@code args} preceded by the flags that {@code env}'s {@code HALYARD_} variables stand for. */
    static String[] withEnvironment(String[] args, Map<String, String> env) {
        List<String> all = environmentFlags(env);
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }

    /**
     * The flags {@code env}'s {@code HALYARD_<FLAG>} variables stand for, as {@code --flag=value}, in
     * the order of the variables' names (so the outcome does not depend on the environment's order).
     *
     * @throws ConfigException naming the variable, when it names no flag, names a command
     *                         ({@code HALYARD_VERSION}) or has a bad value
     */
    public static List<String> environmentFlags(Map<String, String> env) {
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(ENV_PREFIX) && !LAUNCHER_VARIABLES.contains(name)) {
                sorted.put(name, e.getValue());
            }
        }
        List<String> flags = new ArrayList<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String name = e.getKey();
            String flagName = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (flagName.isEmpty() || flagName.startsWith("-")) {
                throw new ConfigException("environment variable " + name + " names no flag");
            }
            String flag = "--" + flagName + "=" + e.getValue();
            CommandLine.Parsed p;
            try {
                p = CommandLine.parse(flag);
            } catch (ConfigException ex) {
                if (ex.getMessage().startsWith("unknown flag")) {
                    throw new ConfigException("environment variable " + name + " names no flag (unknown flag: --"
                            + flagName + ")");
                }
                throw new ConfigException("environment variable " + name + ": " + ex.getMessage());
            }
            if (p.showHelp() || p.showVersion() || p.showTlsHelp() || p.testConfig() || p.signal() != null) {
                throw new ConfigException("environment variable " + name
                        + " names a command, not a setting; give --" + flagName + " on the command line");
            }
            flags.add(flag);
        }
        return flags;
    }

    /**
     * What {@code --version} prints. It starts like nats-server's ({@code nats-server: v2.11.0}), so
     * tools that read the NATS version from it (the second word, or a {@code startsWith}) see the
     * protocol level Halyard implements; Halyard's own version follows.
     */
    public static String versionLine() {
        return "nats-server: v" + Broker.NATS_COMPATIBLE_VERSION + " (halyard v" + Broker.HALYARD_VERSION + ")";
    }

    /**
     * Runs {@code action} on the JVM's signal thread when signal {@code name} (e.g. {@code "HUP"})
     * arrives, after logging it as nats-server does ({@code Trapped "hangup" signal}, with Go's name
     * {@code goName}). Returns false, with a warning, when the signal cannot be handled: under
     * {@code -Xrs}, or when the process was started with the signal ignored (the JVM keeps it ignored,
     * where Go would take it over: {@code nohup} ignores SIGHUP, a shell's background job SIGINT).
     */
    static boolean trap(String name, String goName, Runnable action) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                Log.LOG.log(System.Logger.Level.INFO, "Trapped \"{0}\" signal", goName);
                action.run();
            });
            if (previous == sun.misc.SignalHandler.SIG_IGN) {
                // A lost reload is worth a warning; an ignored SIGINT is normal for a background job.
                Log.LOG.log("HUP".equals(name) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                        "SIG{0} is ignored by this process (started under nohup or in the background?); "
                                + "Halyard does not act on it", name);
                return false;
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            Log.LOG.log(System.Logger.Level.WARNING, "Cannot handle SIG{0}: {1}", name, e.getMessage());
            return false;
        }
    }

    /** The executable's name for the ports file: {@value #EXE_PROPERTY}, else {@code halyard}. */
    static String exeName() {
        String exe = System.getProperty(EXE_PROPERTY);
        if (exe == null || exe.isBlank()) {
            return "halyard";
        }
        return Path.of(exe).getFileName().toString();
    }

    /** The pid file and nats-server's ports file ({@code <exe>_<pid>.ports}). */
    static final class ProcessFiles {
        private final String exe;
        private final ServerOptions options;
        private Path portsFile;

        ProcessFiles(String exe, ServerOptions options) {
            this.exe = exe;
            this.options = options;
        }

        void write(int boundPort, int webSocketPort, int monitorPort) throws IOException {
            long pid = ProcessHandle.current().pid();
            if (options.pidFile != null) {
                Files.writeString(options.pidFile, Long.toString(pid), StandardCharsets.US_ASCII);
            }
            if (options.portsFileDir != null) {
                Path file = options.portsFileDir.resolve(exe + "_" + pid + ".ports");
                Files.writeString(file, portsJson(options, boundPort, webSocketPort, monitorPort), StandardCharsets.US_ASCII);
                portsFile = file;
            }
        }

        /** nats-server removes its ports file when it shuts down; so do we. */
        void deletePortsFile() {
            if (portsFile != null) {
                try {
                    Files.deleteIfExists(portsFile);
                } catch (IOException e) {
                    Log.LOG.log(System.Logger.Level.ERROR, "Error cleaning up ports file {0}: {1}", portsFile, e.getMessage());
                }
            }
        }
    }

    /**
     * The ports file's JSON, as nats-server writes it:
     * {@code {"nats":["nats://127.0.0.1:4222"],"websocket":["ws://127.0.0.1:8080"]}}, with the schemes
     * {@code tls} and {@code wss} for TLS listeners. For a listener on every interface nats-server
     * lists the address of every interface; so do we, loopback first (harnesses use the first URL).
     * The monitoring listener is listed as {@code "monitoring":["http://127.0.0.1:8222"]}.
     *
     * @param webSocketPort the bound WebSocket port, or -1 without a WebSocket listener
     * @param monitorPort   the bound monitoring port, or -1 without a monitoring listener
     */
    static String portsJson(ServerOptions options, int boundPort, int webSocketPort, int monitorPort) {
        StringBuilder json = new StringBuilder("{");
        urls(json, "nats", options.tls != null ? "tls" : "nats", options.host, boundPort);
        if (monitorPort > 0) {
            json.append(',');
            urls(json, "monitoring", "http", MonitorListener.host(options), monitorPort);
        }
        if (webSocketPort > 0 && options.webSocket != null) {
            json.append(',');
            urls(json, "websocket", options.webSocket.tls != null ? "wss" : "ws", options.webSocket.host, webSocketPort);
        }
        return json.append('}').toString();
    }

    private static void urls(StringBuilder json, String key, String scheme, String host, int port) {
        json.append('"').append(key).append("\":[");
        List<String> hosts = listenerHosts(host);
        for (int i = 0; i < hosts.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(scheme).append("://").append(hosts.get(i)).append(':').append(port).append('"');
        }
        json.append(']');
    }

    /** Host parts for URLs (IPv6 in brackets) where a listener on {@code host} can be reached. */
    static List<String> listenerHosts(String host) {
        List<String> hosts = new ArrayList<>();
        try {
            InetAddress bound = InetAddress.getByName(host == null || host.isEmpty() ? "0.0.0.0" : host);
            if (!bound.isAnyLocalAddress()) {
                hosts.add(urlHost(bound));
                return hosts;
            }
            List<NetworkInterface> interfaces = new ArrayList<>(NetworkInterface.networkInterfaces().toList());
            interfaces.sort(Comparator.comparing((NetworkInterface n) -> !isLoopback(n))
                    .thenComparingInt(NetworkInterface::getIndex));
            for (NetworkInterface n : interfaces) {
                n.inetAddresses()
                        .sorted(Comparator.comparing((InetAddress a) -> a instanceof Inet6Address))
                        .forEach(a -> hosts.add(urlHost(a)));
            }
        } catch (IOException e) {
            Log.LOG.log(System.Logger.Level.DEBUG, "cannot list interfaces for the ports file", e);
        }
        if (hosts.isEmpty()) {
            hosts.add("127.0.0.1");
        }
        return hosts;
    }

    private static boolean isLoopback(NetworkInterface n) {
        try {
            return n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static String urlHost(InetAddress a) {
        String text = a.getHostAddress();
        if (a instanceof Inet6Address) {
            int zone = text.indexOf('%');
            return "[" + (zone >= 0 ? text.substring(0, zone) : text) + "]";
        }
        return text;
    }
}
