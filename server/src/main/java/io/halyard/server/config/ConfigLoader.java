package io.halyard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a nats-server config file into {@link ServerOptions}: the options Halyard supports are set,
 * the nats-server options it does not support yet add a warning to {@link ServerOptions#warnings},
 * and anything else is an error, as in nats-server ({@code unknown field "x"}). Option names are
 * matched case-insensitively in every block, like nats-server does.
 *
 * <p>All problems of a file are collected and reported together in one {@link ConfigException}, one
 * {@code file:line:col: ...} line each. A key that is used as a {@code $VARIABLE} somewhere is a
 * variable definition, not an option, and is never reported as unknown.
 *
 * <p>Checks done here that nats-server does at start-up (so that {@code -t} catches them too): a
 * websocket listener needs {@code tls} or {@code no_tls: true}; {@code no_auth_user} must name a
 * configured user.
 *
 * <p>Not thread-safe: one loader per load (the static methods create their own).
 */
public final class ConfigLoader {

    static final int DEFAULT_PORT = 4222;
    private static final String ANY_HOST = "0.0.0.0";
    private static final Duration MIN_LAME_DUCK_DURATION = Duration.ofSeconds(30);

    private final ServerOptions options;
    private final List<ConfigException> errors = new ArrayList<>();
    private final AuthorizationLoader authorization;
    private boolean storeDirSet;
    private ConfField noAuthUser;
    private ConfField webSocket;
    private boolean accountsPresent;

    private ConfigLoader(ServerOptions options) {
        this.options = options;
        this.authorization = new AuthorizationLoader(options.warnings);
    }

    /** What a load found, beyond the options: whether {@code authorization.timeout} was given. */
    record Loaded(ServerOptions options, boolean authTimeoutSet) {
    }

    /**
     * Parses and reads a config file into fresh options ({@link ServerOptions#configFile} set).
     *
     * @param env the environment for {@code $VARIABLES} ({@code System.getenv()} in production)
     * @throws ConfigException listing every problem found
     */
    public static ServerOptions load(Path file, Map<String, String> env) {
        return loadTracked(file, env).options();
    }

    /** Parses and reads config text ({@code include}s relative to the working directory). */
    public static ServerOptions loadString(String text, Map<String, String> env) {
        ServerOptions options = new ServerOptions();
        apply(ConfParser.parseString(text, "<string>", Path.of(""), env), options);
        return options;
    }

    /** Reads an already parsed config onto {@code options}, overriding what it sets. */
    public static void apply(ConfMap config, ServerOptions options) {
        new ConfigLoader(options).run(config);
    }

    static Loaded loadTracked(Path file, Map<String, String> env) {
        ServerOptions options = new ServerOptions();
        options.configFile = file;
        ConfigLoader loader = new ConfigLoader(options);
        loader.run(ConfParser.parseFile(file, env));
        return new Loaded(options, loader.authorization.timeoutSet());
    }

    private void run(ConfMap config) {
        if (config.isEmpty()) {
            options.warnings.add((options.configFile == null ? "<string>" : options.configFile)
                    + ": config has no values or is empty");
        }
        for (ConfEntry e : config.entries()) {
            attempt(() -> topLevel(new ConfField("", e)));
        }
        attempt(this::afterLoad);
        if (!errors.isEmpty()) {
            throw ConfigException.of(errors);
        }
    }

    private void attempt(Runnable step) {
        try {
            step.run();
        } catch (ConfigException e) {
            errors.add(e);
        }
    }

    private void topLevel(ConfField f) {
        if (listenerOrLimit(f) || logging(f)) {
            return;
        }
        switch (f.name()) {
            case "authorization":
                authorization.load(f, options);
                break;
            case "no_auth_user":
                options.noAuthUser = f.string();
                noAuthUser = f;
                break;
            case "tls":
                options.tls = tls(f, options.warnings);
                break;
            case "store_dir":
            case "storedir":
                storeDir(f);
                break;
            case "jetstream":
                jetStream(f);
                break;
            case "websocket":
            case "ws":
                webSocket(f);
                break;
            case "halyard":
                halyard(f);
                break;
            case "mappings":
            case "maps":
                mappings(f);
                break;
            default:
                accountsPresent |= f.name().equals("accounts");
                unsupportedOrUnknown(f, RecognisedOptions.TOP_LEVEL, options.warnings);
        }
    }

    /** The client listener, the monitoring listener and the limits; false if {@code f} is none. */
    private boolean listenerOrLimit(ConfField f) {
        switch (f.name()) {
            case "listen": {
                ConfField.HostPort hp = f.hostPort();
                options.host = hp.host().isEmpty() ? ANY_HOST : hp.host();
                options.port = clientPort(hp.port());
                return true;
            }
            case "port": options.port = clientPort(f.port()); return true;
            case "host":
            case "net": options.host = f.string(); return true;
            case "server_name": options.serverName = serverName(f); return true;
            case "http": {
                ConfField.HostPort hp = f.hostPort();
                options.httpHost = hp.host().isEmpty() ? null : hp.host();
                options.httpPort = hp.port();
                return true;
            }
            case "http_port":
            case "monitor_port": options.httpPort = f.port(); return true;
            case "max_payload": options.maxPayload = f.intValue(); return true;
            case "max_control_line": options.maxControlLine = f.intValue(); return true;
            case "max_pending": options.maxPending = f.integer(); return true;
            case "max_connections":
            case "max_conn": options.maxConnections = f.intValue(); return true;
            case "max_subscriptions":
            case "max_subs": options.maxSubscriptions = f.intValue(); return true;
            case "ping_interval": options.pingInterval = f.durationOrSeconds(options.warnings); return true;
            case "ping_max": options.pingMax = f.intValue(); return true;
            case "write_deadline": options.writeDeadline = f.durationOrSeconds(options.warnings); return true;
            case "lame_duck_duration": options.lameDuckDuration = lameDuckDuration(f); return true;
            case "lame_duck_grace_period": options.lameDuckGracePeriod = lameDuckGracePeriod(f); return true;
            default: return false;
        }
    }

    /** Logging and process files; false if {@code f} is none. */
    private boolean logging(ConfField f) {
        switch (f.name()) {
            case "debug": options.debug = f.bool(); return true;
            case "trace": options.trace = f.bool(); return true;
            case "trace_verbose":
            case "trace_headers":
                // nats-server turns plain tracing on with these too; the extra detail is not there yet.
                options.trace = f.bool();
                options.warnings.add(f.keyPosition() + ": option \"" + f.path() + "\" turns tracing on;"
                        + " Halyard does not support its extra detail yet");
                return true;
            case "logtime": options.logTime = f.bool(); return true;
            case "logfile":
            case "log_file": options.logFile = f.file(); return true;
            case "pidfile":
            case "pid_file": options.pidFile = f.file(); return true;
            case "ports_file_dir": options.portsFileDir = f.file(); return true;
            default: return false;
        }
    }

    /** nats-server treats port 0 as "not set": the default 4222. */
    static int clientPort(int port) {
        return port == 0 ? DEFAULT_PORT : port;
    }

    private static String serverName(ConfField f) {
        String name = f.string();
        if (name.contains(" ")) {
            throw f.fail("server name cannot contain spaces");
        }
        return name;
    }

    private static Duration lameDuckDuration(ConfField f) {
        Duration d = f.duration();
        if (d.compareTo(MIN_LAME_DUCK_DURATION) < 0) {
            throw f.fail("minimum is 30 seconds, got \"" + f.value().asString() + "\"");
        }
        return d;
    }

    private static Duration lameDuckGracePeriod(ConfField f) {
        Duration d = f.duration();
        if (d.isNegative()) {
            throw f.fail("needs to be positive, got \"" + f.value().asString() + "\"");
        }
        return d;
    }

    private void storeDir(ConfField f) {
        if (storeDirSet) {
            throw f.fail("Duplicate 'store_dir' configuration");
        }
        options.storeDir = f.file();
        storeDirSet = true;
    }

    /** {@code jetstream: true|false|enabled|disabled} or {@code jetstream { ... }} (which enables). */
    private void jetStream(ConfField f) {
        switch (f.value().kind()) {
            case BOOLEAN:
                options.jetStream = f.bool();
                return;
            case STRING:
                options.jetStream = enabledOrDisabled(f);
                return;
            case MAP:
                break;
            default:
                throw f.fail("expected a block, a boolean or 'enabled'/'disabled', got " + f.value().describe());
        }
        boolean enable = true;
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "store":
                case "store_dir":
                case "storedir": storeDir(g); break;
                case "max_memory_store":
                case "max_mem_store":
                case "max_mem": options.maxMemoryStore = g.storageSize(); break;
                case "max_file_store":
                case "max_file": options.maxFileStore = g.storageSize(); break;
                case "sync":
                case "sync_interval": options.syncInterval = syncInterval(g); break;
                case "enable":
                case "enabled": enable = g.bool(); break;
                default: unsupportedOrUnknown(g, RecognisedOptions.JETSTREAM, options.warnings);
            }
        }
        options.jetStream = enable;
    }

    /**
     * {@code sync_interval}: {@code always} (Halyard's default, fsync before every acknowledgement) or a
     * duration such as {@code "2m"} (nats-server's default): acknowledge once written, fsync at that interval.
     */
    private Duration syncInterval(ConfField f) {
        if (f.value().is(ConfValue.Kind.STRING) && f.value().asString().equalsIgnoreCase("always")) {
            return Duration.ZERO;
        }
        Duration d = f.durationOrSeconds(options.warnings);
        if (d.isNegative() || d.isZero()) {
            throw f.fail("expected \"always\" or a positive duration such as \"2m\", got " + f.value().describe());
        }
        return d;
    }

    /** Halyard's own options, in a block of their own so a nats-server config stays recognisable. */
    private void halyard(ConfField f) {
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "lame_duck_on_sigterm": options.lameDuckOnSigterm = g.bool(); break;
                default: unsupportedOrUnknown(g, java.util.Set.of(), options.warnings);
            }
        }
    }

    private static boolean enabledOrDisabled(ConfField f) {
        switch (f.value().asString().toLowerCase(java.util.Locale.ROOT)) {
            case "enabled":
            case "enable":
                return true;
            case "disabled":
            case "disable":
                return false;
            default:
                throw f.fail("expected 'enabled' or 'disabled' for string value, got '" + f.value().asString() + "'");
        }
    }

    private void webSocket(ConfField f) {
        ServerOptions.WebSocket ws = new ServerOptions.WebSocket();
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "listen": {
                    ConfField.HostPort hp = g.hostPort();
                    ws.host = hp.host().isEmpty() ? null : hp.host();
                    ws.port = hp.port();
                    break;
                }
                case "port": ws.port = g.port(); break;
                case "host":
                case "net": ws.host = g.string(); break;
                case "no_tls": ws.noTls = g.bool(); break;
                case "compress":
                case "compression": ws.compression = g.bool(); break;
                case "tls": ws.tls = tls(g, options.warnings); break;
                default: unsupportedOrUnknown(g, RecognisedOptions.WEBSOCKET, options.warnings);
            }
        }
        options.webSocket = ws;
        webSocket = f;
    }

    /**
     * nats-server's {@code mappings} (or {@code maps}) block: each key a source subject, each value a
     * destination subject, one destination {@code {destination, weight, cluster}} or a list of them;
     * weights are integers or strings with an optional {@code %}. The whole set is checked here, so
     * that a bad mapping stops the start or the reload with its position.
     */
    private void mappings(ConfField f) {
        java.util.LinkedHashMap<String, List<io.halyard.core.subject.SubjectMappings.Destination>> out =
                new java.util.LinkedHashMap<>();
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            String source = g.key();
            List<io.halyard.core.subject.SubjectMappings.Destination> dests = new ArrayList<>();
            ConfValue v = g.value();
            if (v.is(ConfValue.Kind.STRING)) {
                dests.add(new io.halyard.core.subject.SubjectMappings.Destination(v.asString(), 100));
            } else if (v.is(ConfValue.Kind.ARRAY)) {
                for (ConfValue item : v.asList()) {
                    mapDestination(g, item, dests);
                }
            } else if (v.is(ConfValue.Kind.MAP)) {
                mapDestination(g, v, dests);
            } else {
                throw g.fail("unknown type " + v.kind().label() + " for mapping destination");
            }
            out.put(source, dests);
            try {
                io.halyard.core.subject.SubjectMappings.of(java.util.Map.of(source, dests));
            } catch (IllegalArgumentException ex) {
                throw g.fail(ex.getMessage());
            }
        }
        options.mappings = out;
    }

    /** One {@code {destination, weight, cluster}} entry; cluster-scoped ones are warned about and left out. */
    private void mapDestination(ConfField g, ConfValue item, List<io.halyard.core.subject.SubjectMappings.Destination> dests) {
        if (!item.is(ConfValue.Kind.MAP)) {
            throw g.fail("expected an entry for the mapping destination");
        }
        String subject = null;
        Integer weight = null;
        String cluster = null;
        for (ConfEntry de : item.asMap().entries()) {
            ConfField d = new ConfField(g.path(), de);
            switch (d.name()) {
                case "dest":
                case "destination":
                    subject = d.string();
                    break;
                case "weight": {
                    ConfValue w = d.value();
                    long n;
                    if (w.is(ConfValue.Kind.INTEGER)) {
                        n = w.asLong();
                    } else if (w.is(ConfValue.Kind.STRING)) {
                        String text = w.asString().endsWith("%")
                                ? w.asString().substring(0, w.asString().length() - 1) : w.asString();
                        try {
                            n = Long.parseLong(text);
                        } catch (NumberFormatException ex) {
                            throw d.fail("invalid weight \"" + text + "\" for mapping destination");
                        }
                    } else {
                        throw d.fail("unknown entry type for weight of " + w.describe());
                    }
                    if (n < 0 || n > 100) {
                        throw d.fail("invalid weight " + n + " for mapping destination");
                    }
                    weight = (int) n;
                    break;
                }
                case "cluster":
                    cluster = d.string();
                    break;
                default:
                    throw d.fail("unknown field \"" + de.key() + "\" for mapping destination");
            }
        }
        if (weight == null) {
            throw g.fail("missing weight for mapping destination \"" + subject + "\"");
        }
        if (subject == null) {
            throw g.fail("missing destination for mapping \"" + g.key() + "\"");
        }
        if (cluster != null && !cluster.isEmpty()) {
            // nats-server uses these only on a server of that cluster; Halyard has no clusters yet.
            options.warnings.add(g.keyPosition() + ": mapping destination \"" + subject + "\" for cluster \""
                    + cluster + "\" ignored: Halyard does not run in a cluster");
            return;
        }
        dests.add(new io.halyard.core.subject.SubjectMappings.Destination(subject, weight));
    }

    /** A {@code tls { }} block (client listener or websocket). */
    static ServerOptions.Tls tls(ConfField f, List<String> warnings) {
        ServerOptions.Tls tls = new ServerOptions.Tls();
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "cert_file": tls.certFile = g.file(); break;
                case "key_file": tls.keyFile = g.file(); break;
                case "ca_file": tls.caFile = g.file(); break;
                case "verify": tls.verify = g.bool(); break;
                case "verify_and_map":
                    tls.verify |= g.bool();
                    warnings.add(g.keyPosition() + ": option \"" + g.path() + "\" verifies client"
                            + " certificates; Halyard does not map them to users yet");
                    break;
                case "timeout": tls.timeout = g.seconds(warnings); break;
                default:
                    if (RecognisedOptions.TLS.contains(g.name())) {
                        warnings.add(RecognisedOptions.warning(g));
                    } else if (!g.value().isUsedAsVariable()) {
                        throw new ConfigException(g.keyPosition(),
                                "error parsing tls config, unknown field \"" + e.key() + "\"");
                    }
            }
        }
        if (tls.certFile != null && tls.keyFile == null) {
            throw f.fail("missing 'key_file' in TLS configuration");
        }
        if (tls.certFile == null) {
            throw f.fail(tls.keyFile != null ? "missing 'cert_file' in TLS configuration"
                    : "Halyard needs 'cert_file' and 'key_file' in a tls block");
        }
        return tls;
    }

    /**
     * A recognised nats-server option Halyard does not support adds a warning; anything else is
     * {@code unknown field}, unless the key is a variable definition.
     */
    static void unsupportedOrUnknown(ConfField f, Set<String> recognised, List<String> warnings) {
        if (recognised.contains(f.name())) {
            warnings.add(RecognisedOptions.warning(f));
        } else if (!f.value().isUsedAsVariable()) {
            throw new ConfigException(f.keyPosition(), "unknown field \"" + f.key() + "\"");
        }
    }

    /** Defaults that depend on other options, and the start-up checks nats-server makes. */
    private void afterLoad() {
        if (options.tls != null && !authorization.timeoutSet()) {
            // nats-server: with TLS, the default auth timeout is the TLS timeout plus one second.
            options.authTimeout = options.tls.timeout.plusSeconds(1);
        }
        if (webSocket != null && options.webSocket.port != 0 && options.webSocket.tls == null
                && !options.webSocket.noTls) {
            errors.add(new ConfigException(webSocket.keyPosition(),
                    "websocket requires TLS configuration (a tls block, or no_tls: true)"));
        }
        if (noAuthUser != null && !accountsPresent) {
            checkNoAuthUser();
        }
    }

    private void checkNoAuthUser() {
        String name = options.noAuthUser;
        if (options.users.isEmpty() && !authorization.usersDefined()) {
            throw new ConfigException(noAuthUser.keyPosition(),
                    "no_auth_user: \"" + name + "\" present, but users are not defined");
        }
        for (ServerOptions.User u : options.users) {
            if (name.equals(u.username)) {
                return;
            }
        }
        throw new ConfigException(noAuthUser.keyPosition(),
                "no_auth_user: \"" + name + "\" not present as user in authorization block");
    }
}
