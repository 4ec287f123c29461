package io.halyard.server;

import io.halyard.core.Broker;
import io.halyard.server.config.CommandLine;
import io.halyard.server.config.ConfigException;
import io.halyard.server.config.ServerOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code halyard} — the server's entry point. Takes nats-server's flags and config file
 * ({@link CommandLine}), starts the server, and stops it gracefully on SIGTERM/SIGINT: stop
 * accepting, flush what is queued to clients, close.
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command. Returns an exit code for commands that end at once (help, version, config
     * test, errors), or -1 after the server has been started and then stopped by a signal.
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine.Parsed parsed;
        ServerOptions options;
        try {
            parsed = CommandLine.parse(args);
            if (parsed.showHelp()) {
                out.print(CommandLine.usage());
                return 0;
            }
            if (parsed.showVersion()) {
                out.println("halyard: v" + Broker.HALYARD_VERSION + " (nats-server protocol v"
                        + Broker.NATS_COMPATIBLE_VERSION + ")");
                return 0;
            }
            if (parsed.signal() != null) {
                err.println("halyard: --signal is not supported yet; send the signal to the process (kill -HUP/-TERM <pid>)");
                return 1;
            }
            options = CommandLine.load(parsed, env);
            if (parsed.testConfig()) {
                options.warnings.forEach(w -> err.println("halyard: warning: " + w));
                out.println("halyard: configuration file " + parsed.configFile() + " test is successful");
                return 0;
            }
        } catch (ConfigException e) {
            err.println("halyard: " + e.getMessage());
            return 1;
        }
        HalyardServer server;
        try {
            Logging.configure(options.debug, options.trace, options.logTime, options.logFile);
            LOG.log(System.Logger.Level.INFO, "Starting halyard v{0} (nats-server protocol v{1})",
                    Broker.HALYARD_VERSION, Broker.NATS_COMPATIBLE_VERSION);
            options.warnings.forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
            server = new HalyardServer(options).start();
            writePidFile(options.pidFile);
            writePortsFile(options, server.port());
        } catch (Exception e) {
            err.println("halyard: cannot start: " + e.getMessage());
            LOG.log(System.Logger.Level.DEBUG, "start failure", e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "halyard-shutdown"));
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    private static void writePidFile(Path pidFile) throws IOException {
        if (pidFile != null) {
            Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        }
    }

    /** Like nats-server: {@code <dir>/halyard_<pid>.ports} holding the client URL as JSON. */
    private static void writePortsFile(ServerOptions o, int port) throws IOException {
        if (o.portsFileDir == null) {
            return;
        }
        String host = "0.0.0.0".equals(o.host) || o.host.isEmpty() ? "127.0.0.1" : o.host;
        String json = "{\"nats\":[\"nats://" + host + ":" + port + "\"]}";
        Path file = o.portsFileDir.resolve("halyard_" + ProcessHandle.current().pid() + ".ports");
        Files.writeString(file, json, StandardCharsets.US_ASCII);
    }
}
