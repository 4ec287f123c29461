package io.halyard.server;

import io.halyard.core.BrokerConfig;
import io.halyard.server.config.ConfigException;
import io.halyard.server.config.ServerOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Config reload on SIGHUP (or {@code --signal reload}), after nats-server's {@code Reload}: the
 * options are loaded again exactly as at start (config file, then {@code HALYARD_} variables, then
 * the command-line flags), compared with those in force, and the changes that can be made while
 * running are applied; the others make the whole reload fail, as in nats-server.
 *
 * <h2>What a reload changes</h2>
 * <ul>
 *   <li>Authorization (users, passwords, token, permissions, {@code no_auth_user}): for connections
 *       that authenticate from now on, and, as in nats-server, for those already there: each is
 *       checked again with the credentials of its CONNECT — closed (without an error) if it named a
 *       user that is gone, closed with {@code -ERR 'Authorization Violation'} if its credentials no
 *       longer authenticate, else given its user's new permissions, losing (with an {@code -ERR}
 *       each) the subscriptions they no longer allow. {@code authorization.timeout}: for new
 *       connections.</li>
 *   <li>{@code max_payload} and {@code max_control_line}: for new connections (each connection reads
 *       them when it is accepted; INFO advertises the new value).</li>
 *   <li>{@code max_connections}: for the next accept; when it is now below the number of clients,
 *       clients picked at random are closed with {@code -ERR 'maximum connections exceeded'} until the
 *       rest fit, as nats-server does.</li>
 *   <li>{@code max_subscriptions}: for the next SUB of any connection. {@code max_pending}: for new
 *       connections. {@code ping_interval}, {@code ping_max}: from the next ping timer of each
 *       connection.</li>
 *   <li>{@code debug}, {@code trace}, {@code logtime}, {@code log_file}: at once.</li>
 * </ul>
 * Everything else ({@code port}, {@code host}, {@code tls}, {@code jetstream}, {@code websocket},
 * {@code write_deadline}, ...) cannot change while running: if it changed, nothing is applied and the
 * error names it, in nats-server's words: {@code config reload not supported for port: old=4222,
 * new=4223}. A config that cannot be read is reported and the options in force stay.
 *
 * <h2>Threads</h2>
 * {@link #reload()} is serialised; it runs on the JVM's signal thread. The broker's settings are plain
 * {@link BrokerConfig} fields, read by the event loops when a connection is accepted, authenticates,
 * subscribes or pings; see {@link #applyTo}. What a reload does to existing connections runs on each
 * connection's own event loop, shortly after {@link #reload()} returns.
 */
public final class Reload {
    private static final System.Logger LOG = System.getLogger(Reload.class.getName());

    private final HalyardServer server;
    private final Supplier<ServerOptions> load;
    private ServerOptions current;

    /**
     * @param server  the running server
     * @param current the options it was started with
     * @param load    loads the options again as at start; throws {@link ConfigException} when it
     *                cannot
     */
    public Reload(HalyardServer server, ServerOptions current, Supplier<ServerOptions> load) {
        this.server = server;
        this.current = current;
        this.load = load;
    }

    /** Reloads on SIGHUP from now on. Logs a warning if signals cannot be handled (e.g. {@code -Xrs}). */
    public void installSignalHandler() {
        Main.trap("HUP", "hangup", this::reload);
    }

    /** The options in force (those of the last successful reload, or of the start). */
    public synchronized ServerOptions current() {
        return current;
    }

    /**
     * Loads the options again and applies them. Returns whether they were applied; when not, the
     * reason has been logged as an error and nothing changed.
     */
    public synchronized boolean reload() {
        if (current.configFile == null) {
            return failed("can only reload config when a file is provided using -c or --config");
        }
        ServerOptions next;
        try {
            next = load.get();
        } catch (ConfigException e) {
            return failed(e.getMessage());
        }
        List<String> unsupported = unsupportedChanges(current, next);
        if (!unsupported.isEmpty()) {
            return failed("config reload not supported for " + String.join("; ", unsupported));
        }
        List<String> changes = reloadableChanges(current, next);
        if (loggingChanged(current, next)) {
            try {
                Logging.configure(next.debug, next.trace, next.logTime, next.logFile);
            } catch (IOException e) {
                return failed("cannot open log file " + next.logFile + ": " + e.getMessage());
            }
        }
        applyTo(server.broker().config(), next);
        ServerOptions previous = current;
        current = next;
        next.warnings.forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        applyToConnections(previous, next);
        changes.forEach(c -> LOG.log(System.Logger.Level.INFO, "Reloaded: {0}", c));
        LOG.log(System.Logger.Level.INFO, "Reloaded server configuration");
        return true;
    }

    /**
     * What nats-server's reload does to the connections already there, in its order: a lowered
     * max_connections closes clients picked at random until the rest fit ({@code maxConnOption});
     * then, when the authorization changed, every client is checked again and closed or given its new
     * permissions ({@code reloadAuthorization}; see {@code ClientSession#authorizationReloaded}).
     */
    private void applyToConnections(ServerOptions old, ServerOptions next) {
        int closed = server.broker().closeConnectionsBeyondMax();
        if (closed > 0) {
            LOG.log(System.Logger.Level.INFO, "Closed {0} connections to fall within max_connections", closed);
        }
        if (!authorization(old).equals(authorization(next))) {
            if (!server.broker().authorizationReloaded(java.util.concurrent.TimeUnit.SECONDS.toNanos(5))) {
                LOG.log(System.Logger.Level.WARNING, "Reload: some connections were still being checked after 5 s");
            }
        }
    }

    private static boolean failed(String reason) {
        LOG.log(System.Logger.Level.ERROR, "Failed to reload server configuration: {0}", reason);
        return false;
    }

    /**
     * Copies the settings a reload may change from {@code next} onto the running broker's
     * {@code target}, converted as at start ({@link HalyardServer#brokerConfig}). Each connection
     * reads them when it is accepted, authenticates, subscribes or arms its ping timer, so a change
     * reaches new connections (and, for max_subscriptions and the ping settings, existing ones);
     * {@link #reload()} then applies max_connections and the authorization to existing connections.
     */
    public static void applyTo(BrokerConfig target, ServerOptions next) {
        BrokerConfig fresh = HalyardServer.brokerConfig(next);
        target.maxPayload = fresh.maxPayload;
        target.maxControlLine = fresh.maxControlLine;
        target.maxConnections = fresh.maxConnections;
        target.maxSubscriptions = fresh.maxSubscriptions;
        target.maxPendingBytes = fresh.maxPendingBytes;
        target.pingIntervalNanos = fresh.pingIntervalNanos;
        target.pingMax = fresh.pingMax;
        target.authTimeoutNanos = fresh.authTimeoutNanos;
        fresh.authenticator.keepVerifiedSecrets(target.authenticator);
        target.authenticator = fresh.authenticator;
        target.mappings = fresh.mappings;
    }

    /**
     * The options that differ between {@code old} and {@code next} but cannot change while running,
     * each as {@code name: old=..., new=...} (secrets are not shown).
     */
    public static List<String> unsupportedChanges(ServerOptions old, ServerOptions next) {
        List<String> out = new ArrayList<>();
        differs(out, "host", old.host, next.host);
        differs(out, "port", old.port, next.port);
        differs(out, "server_name", old.serverName, next.serverName);
        differs(out, "http_port", old.httpPort, next.httpPort);
        differs(out, "http", old.httpHost, next.httpHost);
        differs(out, "write_deadline", old.writeDeadline, next.writeDeadline);
        differs(out, "lame_duck_duration", old.lameDuckDuration, next.lameDuckDuration);
        differs(out, "lame_duck_grace_period", old.lameDuckGracePeriod, next.lameDuckGracePeriod);
        differs(out, "tls", tls(old.tls), tls(next.tls));
        differs(out, "jetstream", old.jetStream, next.jetStream);
        differs(out, "store_dir", old.storeDir, next.storeDir);
        differs(out, "max_memory_store", old.maxMemoryStore, next.maxMemoryStore);
        differs(out, "max_file_store", old.maxFileStore, next.maxFileStore);
        differs(out, "sync_interval", old.syncInterval, next.syncInterval);
        differs(out, "websocket", webSocket(old.webSocket), webSocket(next.webSocket));
        differs(out, "pid_file", old.pidFile, next.pidFile);
        differs(out, "ports_file_dir", old.portsFileDir, next.portsFileDir);
        return out;
    }

    /** The reloadable options that differ, as nats-server logs them after {@code Reloaded: }. */
    static List<String> reloadableChanges(ServerOptions old, ServerOptions next) {
        List<String> out = new ArrayList<>();
        if (!authorization(old).equals(authorization(next))) {
            out.add("authorization");
        }
        changed(out, "authorization timeout", old.authTimeout, next.authTimeout);
        changed(out, "mappings", old.mappings, next.mappings);
        changed(out, "max_payload", old.maxPayload, next.maxPayload);
        changed(out, "max_control_line", old.maxControlLine, next.maxControlLine);
        changed(out, "max_connections", old.maxConnections, next.maxConnections);
        changed(out, "max_subscriptions", old.maxSubscriptions, next.maxSubscriptions);
        changed(out, "max_pending", old.maxPending, next.maxPending);
        changed(out, "ping_interval", old.pingInterval, next.pingInterval);
        changed(out, "ping_max", old.pingMax, next.pingMax);
        changed(out, "debug", old.debug, next.debug);
        changed(out, "trace", old.trace, next.trace);
        changed(out, "logtime", old.logTime, next.logTime);
        changed(out, "log_file", old.logFile, next.logFile);
        return out;
    }

    private static boolean loggingChanged(ServerOptions old, ServerOptions next) {
        return old.debug != next.debug || old.trace != next.trace || old.logTime != next.logTime
                || !Objects.equals(old.logFile, next.logFile);
    }

    private static void differs(List<String> out, String name, Object old, Object next) {
        if (!Objects.equals(old, next)) {
            out.add(name + ": old=" + old + ", new=" + next);
        }
    }

    private static void changed(List<String> out, String name, Object old, Object next) {
        if (!Objects.equals(old, next)) {
            out.add(name + " = " + next);
        }
    }

    private static String tls(ServerOptions.Tls t) {
        if (t == null) {
            return "none";
        }
        return "{cert_file=" + t.certFile + ", key_file=" + t.keyFile + ", ca_file=" + t.caFile
                + ", verify=" + t.verify + ", timeout=" + t.timeout + "}";
    }

    private static String webSocket(ServerOptions.WebSocket w) {
        if (w == null) {
            return "none";
        }
        return "{host=" + w.host + ", port=" + w.port + ", no_tls=" + w.noTls + ", compression=" + w.compression
                + ", tls=" + tls(w.tls) + "}";
    }

    /** Everything that decides who may connect with which permissions, secrets included (never logged). */
    private static String authorization(ServerOptions o) {
        StringBuilder sb = new StringBuilder();
        sb.append(o.username).append('\0').append(o.password).append('\0').append(o.token).append('\0')
                .append(o.noAuthUser).append('\0').append(permissions(o.defaultPermissions));
        for (ServerOptions.User u : o.users) {
            sb.append('\0').append(u.username).append('\0').append(u.password).append('\0')
                    .append(permissions(u.permissions));
        }
        return sb.toString();
    }

    private static String permissions(ServerOptions.Permissions p) {
        if (p == null) {
            return "-";
        }
        return p.publishAllow + "|" + p.publishDeny + "|" + p.subscribeAllow + "|" + p.subscribeDeny + "|"
                + p.allowResponses + "|" + p.allowResponsesMax + "|" + p.allowResponsesExpires;
    }
}
