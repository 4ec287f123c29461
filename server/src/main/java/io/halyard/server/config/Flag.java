package io.halyard.server.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * nats-server's command-line flags, with the same names and meanings (from
 * {@code ConfigureOptions} in nats-server's {@code server/opts.go}). Flags nats-server has but
 * Halyard does not implement yet are accepted and add a warning, so scripts written for nats-server
 * still start Halyard.
 *
 * <p>Thread-safe: constants.
 */
enum Flag {

    // --- actions, handled by CommandLine itself ------------------------------------------------
    HELP(Kind.ACTION_BOOL, null, "show this help and exit", null, "h", "help"),
    HELP_TLS(Kind.ACTION_BOOL, null, "show help on TLS options and exit", null, "help_tls"),
    VERSION(Kind.ACTION_BOOL, null, "print the version and exit", null, "v", "version"),
    CONFIG(Kind.ACTION_STRING, "FILE", "configuration file", null, "c", "config"),
    TEST_CONFIG(Kind.ACTION_BOOL, null, "check the configuration file and exit (needs -c)", null, "t"),
    SIGNAL(Kind.ACTION_STRING, "SIGNAL[=PID]",
            "send a signal to a running server (ldm, stop, quit, term, reopen, reload)", null, "sl", "signal"),

    // --- server options -------------------------------------------------------------------------
    ADDR(Kind.STRING, "HOST", "host to listen on for clients (default 0.0.0.0)",
            (o, v) -> o.options.host = v, "a", "addr", "net"),
    PORT(Kind.INT, "PORT", "port for clients (default 4222; -1 picks a random free port)",
            (o, v) -> o.options.port = ConfigLoader.clientPort(port(v)), "p", "port"),
    NAME(Kind.STRING, "NAME", "server name (no spaces)", (o, v) -> o.options.serverName = serverName(v),
            "n", "name", "server_name"),
    HTTP_PORT(Kind.INT, "PORT", "port for the HTTP monitoring endpoints (-1: random)",
            (o, v) -> o.options.httpPort = port(v), "m", "http_port"),
    USER(Kind.STRING, "USER", "user name clients must present", (o, v) -> o.options.username = v, "user"),
    PASS(Kind.STRING, "PASSWORD", "password clients must present", (o, v) -> o.options.password = v, "pass"),
    AUTH(Kind.STRING, "TOKEN", "token clients must present", (o, v) -> o.options.token = v, "auth"),
    JETSTREAM(Kind.BOOL, null, "enable JetStream", (o, v) -> o.options.jetStream = bool(v), "js", "jetstream"),
    STORE_DIR(Kind.STRING, "DIR", "JetStream storage directory", (o, v) -> o.options.storeDir = Path.of(v),
            "sd", "store_dir"),
    TLS(Kind.BOOL, null, "enable TLS for clients (needs --tlscert and --tlskey)",
            (o, v) -> o.tlsEnabled = bool(v), "tls"),
    TLS_CERT(Kind.STRING, "FILE", "server certificate (PEM)", (o, v) -> o.tlsCert = v, "tlscert"),
    TLS_KEY(Kind.STRING, "FILE", "server private key (PEM)", (o, v) -> o.tlsKey = v, "tlskey"),
    TLS_CA_CERT(Kind.STRING, "FILE", "CA certificates for verifying clients (PEM)",
            (o, v) -> o.tlsCaCert = v, "tlscacert"),
    TLS_VERIFY(Kind.BOOL, null, "enable TLS and require verified client certificates",
            (o, v) -> o.tlsVerify = bool(v), "tlsverify"),
    DEBUG(Kind.BOOL, null, "log debug messages", (o, v) -> o.options.debug = bool(v), "D", "debug"),
    TRACE(Kind.BOOL, null, "log the protocol traffic", (o, v) -> o.options.trace = bool(v), "V", "trace"),
    TRACE_VERBOSE(Kind.BOOL, null, "like -V (verbose tracing is not there yet)",
            (o, v) -> o.options.trace = bool(v), "VV"),
    DEBUG_TRACE(Kind.BOOL, null, "-D and -V together", Flag::debugAndTrace, "DV"),
    DEBUG_TRACE_VERBOSE(Kind.BOOL, null, "-D and -VV together", Flag::debugAndTrace, "DVV"),
    LOGTIME(Kind.BOOL, null, "put timestamps in log lines (default true; -T=false turns them off)",
            (o, v) -> o.options.logTime = bool(v), "T", "logtime"),
    LOG(Kind.STRING, "FILE", "write the log to FILE", (o, v) -> o.options.logFile = Path.of(v), "l", "log"),
    PID(Kind.STRING, "FILE", "write the process id to FILE", (o, v) -> o.options.pidFile = Path.of(v),
            "P", "pid"),
    LAME_DUCK_ON_SIGTERM(Kind.BOOL, null,
            "SIGTERM starts lame-duck mode instead of stopping at once (default: on in Kubernetes)",
            (o, v) -> o.options.lameDuckOnSigterm = bool(v), "lame_duck_on_sigterm"),
    PORTS_FILE_DIR(Kind.STRING, "DIR", "write the ports file (<name>_<pid>.ports) into DIR",
            (o, v) -> o.options.portsFileDir = Path.of(v), "ports_file_dir"),

    // --- nats-server flags accepted with a warning ----------------------------------------------
    CLIENT_ADVERTISE(Kind.STRING, "VALUE", "not supported yet", null, "client_advertise"),
    LOGTIME_UTC(Kind.BOOL, null, "not supported yet", null, "logtime_utc"),
    HTTPS_PORT(Kind.INT, "N", "not supported yet", null, "ms", "https_port"),
    LOG_SIZE_LIMIT(Kind.INT, "N", "not supported yet", null, "log_size_limit"),
    SYSLOG(Kind.BOOL, null, "not supported yet", null, "s", "syslog"),
    REMOTE_SYSLOG(Kind.STRING, "VALUE", "not supported yet", null, "r", "remote_syslog"),
    PROFILE(Kind.INT, "N", "not supported yet", null, "profile"),
    ROUTES(Kind.STRING, "VALUE", "not supported yet", null, "routes"),
    CLUSTER(Kind.STRING, "VALUE", "not supported yet", null, "cluster", "cluster_listen"),
    CLUSTER_ADVERTISE(Kind.STRING, "VALUE", "not supported yet", null, "cluster_advertise"),
    NO_ADVERTISE(Kind.BOOL, null, "not supported yet", null, "no_advertise"),
    CONNECT_RETRIES(Kind.INT, "N", "not supported yet", null, "connect_retries"),
    CLUSTER_NAME(Kind.STRING, "VALUE", "not supported yet", null, "cluster_name"),
    MAX_TRACED_MSG_LEN(Kind.INT, "N", "not supported yet", null, "max_traced_msg_len");

    /** How a flag takes its value. */
    enum Kind {
        /** {@code -x} or {@code -x=false}; never a separate argument. */
        BOOL,
        /** {@code -x 5} or {@code -x=5}. */
        INT,
        /** {@code -x value} or {@code -x=value}. */
        STRING,
        ACTION_BOOL,
        ACTION_STRING;

        boolean isBool() {
            return this == BOOL || this == ACTION_BOOL;
        }
    }

    /** Flag values on their way onto options; the TLS flags are combined at the end. */
    static final class Overlay {
        final ServerOptions options;
        Boolean tlsEnabled;
        Boolean tlsVerify;
        String tlsCert;
        String tlsKey;
        String tlsCaCert;

        Overlay(ServerOptions options) {
            this.options = options;
        }
    }

    private static final Map<String, Flag> BY_NAME = new HashMap<>();

    static {
        for (Flag f : values()) {
            for (String n : f.names) {
                BY_NAME.put(n, f);
            }
        }
    }

    final Kind kind;
    final String argName;
    final String help;
    final List<String> names;
    private final BiConsumer<Overlay, String> apply;

    Flag(Kind kind, String argName, String help, BiConsumer<Overlay, String> apply, String... names) {
        this.kind = kind;
        this.argName = argName;
        this.help = help;
        this.apply = apply;
        this.names = List.of(names);
    }

    /** The flag called {@code name} (without dashes), or {@code null}. Names are case-sensitive. */
    static Flag byName(String name) {
        return BY_NAME.get(name);
    }

    /** Whether Halyard implements this flag (unsupported ones only warn). */
    boolean supported() {
        return apply != null || kind == Kind.ACTION_BOOL || kind == Kind.ACTION_STRING;
    }

    boolean isAction() {
        return kind == Kind.ACTION_BOOL || kind == Kind.ACTION_STRING;
    }

    /** Applies a checked value (booleans already "true"/"false"). */
    void apply(Overlay overlay, String value) {
        if (apply != null) {
            apply.accept(overlay, value);
        } else if (!isAction()) {
            overlay.options.warnings.add("flag -" + names.get(0)
                    + " is recognised but not supported by Halyard yet; ignored");
        }
    }

    private static void debugAndTrace(Overlay o, String v) {
        o.options.debug = bool(v);
        o.options.trace = bool(v);
    }

    private static boolean bool(String v) {
        return Boolean.parseBoolean(v);
    }

    private static int port(String v) {
        int p = Integer.parseInt(v);
        if (p < -1 || p > 65535) {
            throw new ConfigException("port " + p + " is out of range (0 to 65535, or -1 for a random port)");
        }
        return p;
    }

    private static String serverName(String v) {
        if (v.contains(" ")) {
            throw new ConfigException("server name cannot contain spaces");
        }
        return v;
    }
}
