package io.halyard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of a Halyard server, with nats-server's names and defaults. Filled from the config file
 * ({@link ConfigLoader}) and then the command line ({@link CommandLine}), later sources overriding
 * earlier ones, exactly as nats-server layers them.
 *
 * <p>A plain mutable holder: built on one thread at start-up (or reload), then only read.
 */
public final class ServerOptions {
    // --- listener -------------------------------------------------------------------------------
    public String host = "0.0.0.0";
    /** 4222 by default; -1 asks for a random free port (reported in the log and the ports file). */
    public int port = 4222;
    public String serverName;
    /** Monitoring HTTP port; 0 = off (nats-server's default). -1 = random. */
    public int httpPort;
    public String httpHost;

    // --- limits (nats-server defaults) ----------------------------------------------------------
    public int maxPayload = 1024 * 1024;
    public int maxControlLine = 4096;
    /**
     * Client connections accepted at once. 0 or less accepts none: nats-server reads
     * {@code max_connections: 0} as "refuse every client", not as "unlimited".
     */
    public int maxConnections = 64 * 1024;
    /** 0 = unlimited. */
    public int maxSubscriptions;
    public long maxPending = 64L * 1024 * 1024;
    public Duration pingInterval = Duration.ofMinutes(2);
    public int pingMax = 2;
    public Duration writeDeadline = Duration.ofSeconds(10);
    public Duration authTimeout = Duration.ofSeconds(2);
    public Duration lameDuckDuration = Duration.ofMinutes(2);
    public Duration lameDuckGracePeriod = Duration.ofSeconds(10);
    /**
     * Whether SIGTERM starts lame-duck mode (Kubernetes stops a pod with SIGTERM) rather than stopping
     * at once as nats-server does. Null until loaded: then on when running in Kubernetes
     * ({@code KUBERNETES_SERVICE_HOST} is set), else off.
     */
    public Boolean lameDuckOnSigterm;

    // --- authorization --------------------------------------------------------------------------
    /** Single-user auth ({@code authorization { user, password }} or {@code --user/--pass}). */
    public String username;
    /** Plain text or a bcrypt hash ({@code $2a$…}). */
    public String password;
    /** Token auth ({@code authorization { token }} or {@code --auth}); plain or bcrypt. */
    public String token;
    /** Multi-user auth ({@code authorization { users = [...] }}). */
    public final List<User> users = new ArrayList<>();
    /** Permissions applied to the single user / token user and to users without their own. */
    public Permissions defaultPermissions;
    /** {@code no_auth_user}: the user a client without credentials is taken to be. */
    public String noAuthUser;
    /**
     * The {@code mappings} block: source subject to its destinations, in configuration order; empty
     * when there is none. Checked when loaded (SubjectMappings.of).
     */
    public java.util.LinkedHashMap<String, java.util.List<io.halyard.core.subject.SubjectMappings.Destination>> mappings =
            new java.util.LinkedHashMap<>();

    // --- TLS ------------------------------------------------------------------------------------
    public Tls tls;

    // --- JetStream -------------------------------------------------------------------------------
    /** Where streams are stored when {@code store_dir} is not set (relative to the working directory). */
    public static final String DEFAULT_STORE_DIR = "data";
    /** On by default (nats-server needs {@code -js}); {@code jetstream: disabled} or {@code false} switches it off. */
    public boolean jetStream = true;
    /** {@code store_dir}; null means {@link #DEFAULT_STORE_DIR}. */
    public Path storeDir;
    public long maxMemoryStore = -1;
    public long maxFileStore = -1;
    /**
     * {@code sync_interval}: zero (the default, {@code always}) fsyncs before every acknowledgement;
     * a positive interval acknowledges once written and fsyncs in the background, as nats-server does.
     */
    public Duration syncInterval = Duration.ZERO;

    // --- WebSocket ------------------------------------------------------------------------------
    public WebSocket webSocket;

    // --- logging & process ----------------------------------------------------------------------
    public boolean debug;
    public boolean trace;
    public boolean logTime = true;
    public Path logFile;
    public Path pidFile;
    public Path portsFileDir;
    /** The config file these options came from, if any (for reload). */
    public Path configFile;

    /** Non-fatal findings while loading (unsupported options): logged at start-up. */
    public final List<String> warnings = new ArrayList<>();

    /** A user of {@code authorization.users}. */
    public static final class User {
        public String username;
        /** Plain text or bcrypt. */
        public String password;
        /** {@code null}: the default permissions (if any) apply, otherwise everything is allowed. */
        public Permissions permissions;
    }

    /** Publish and subscribe allow/deny lists; an empty allow list means "everything". */
    public static final class Permissions {
        public final List<String> publishAllow = new ArrayList<>();
        public final List<String> publishDeny = new ArrayList<>();
        public final List<String> subscribeAllow = new ArrayList<>();
        public final List<String> subscribeDeny = new ArrayList<>();
        /**
         * {@code allow_responses}: may publish to reply subjects of requests it received. In
         * nats-server this also turns the blanket publish allow off: with {@code allowResponses} and an
         * empty {@link #publishAllow}, the user may publish replies and nothing else.
         */
        public boolean allowResponses;
        /** Replies allowed per request; negative = no limit. The config loader sets 1 by default. */
        public int allowResponsesMax = 1;
        /** How long a reply stays allowed; the config loader sets nats-server's 2 minutes by default. */
        public Duration allowResponsesExpires = Duration.ZERO;
    }

    /** {@code tls { cert_file, key_file, ca_file, verify, timeout }}. */
    public static final class Tls {
        public Path certFile;
        public Path keyFile;
        public Path caFile;
        /** Require and verify a client certificate. */
        public boolean verify;
        public Duration timeout = Duration.ofSeconds(2);
    }

    /** {@code websocket { host, port, no_tls, compression, ... }}. */
    public static final class WebSocket {
        public String host;
        public int port;
        public boolean noTls;
        public boolean compression;
        public Tls tls;
    }
}
