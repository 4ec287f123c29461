package io.halyard.cli.connection;

import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.ErrorReport;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.ObjectStoreOptions;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where and how to connect — the NATS CLI's connection flags, environment variables and contexts — as a
 * picocli mixin that every jnats-based command includes ({@code @Mixin ConnectionOptions connection}).
 *
 * <p>Each setting comes from, first to last: its flag, its environment variable (e.g. {@code NATS_URL}),
 * the context ({@code --context}, {@code NATS_CONTEXT}, else the one selected in the NATS CLI's
 * {@code context.txt}; see {@link NatsContext}), the default. As in the NATS CLI, {@code --user} without
 * a password is a token.
 *
 * <p>Not thread-safe: picocli fills it, then the command calls {@link #connect()} once.
 */
public final class ConnectionOptions {

    /** nats-server's error code for "stream not found". */
    private static final int STREAM_NOT_FOUND = 10059;

    /** The server when neither a flag, the environment nor a context names one. */
    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";

    @ArgGroup(validate = false, heading = "%nConnection (flags as the NATS CLI's; environment variables in brackets):%n",
            order = 100)
    Settings settings = new Settings();

    /** The flags themselves, in a group so that --help shows them apart from each command's own options. */
    static final class Settings {
        @Option(names = {"-s", "--server"}, paramLabel = "URL", defaultValue = "${env:NATS_URL}", order = 101,
                description = "Server URL, or several comma-separated, e.g. nats://host:4222, tls://host:4222,"
                        + " nats://user:password@host:4222 [NATS_URL]; default: the context's, else " + DEFAULT_URL + ".")
        String server;

        @Option(names = "--user", paramLabel = "USER", defaultValue = "${env:NATS_USER}", order = 102,
                description = "User name; without --password, a token [NATS_USER].")
        String user;

        @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:NATS_PASSWORD}", order = 103,
                description = "Password [NATS_PASSWORD].")
        String password;

        @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:NATS_TOKEN}", order = 104,
                description = "Authentication token [NATS_TOKEN].")
        String token;

        @Option(names = "--creds", paramLabel = "FILE", defaultValue = "${env:NATS_CREDS}", order = 105,
                description = "User credentials file (JWT and nkey seed) [NATS_CREDS].")
        String creds;

        @Option(names = "--tlscert", paramLabel = "FILE", defaultValue = "${env:NATS_CERT}", order = 106,
                description = "TLS client certificate, PEM [NATS_CERT].")
        String tlsCert;

        @Option(names = "--tlskey", paramLabel = "FILE", defaultValue = "${env:NATS_KEY}", order = 107,
                description = "TLS client private key, PEM [NATS_KEY].")
        String tlsKey;

        @Option(names = "--tlsca", paramLabel = "FILE", defaultValue = "${env:NATS_CA}", order = 108,
                description = "Certificate authorities to trust, PEM [NATS_CA]; default: the JVM's.")
        String tlsCa;

        @Option(names = "--tlsfirst", order = 109, description = "Start TLS before the server's INFO (TLS-first handshake).")
        boolean tlsFirst;

        @Option(names = "--context", paramLabel = "NAME", defaultValue = "${env:NATS_CONTEXT}", order = 110,
                description = "NATS CLI context: a name, or the path of a .json file [NATS_CONTEXT];"
                        + " default: the selected one, if any.")
        String context;

        @Option(names = "--no-context", order = 111, description = "Ignore the selected context.")
        boolean noContext;

        @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s", order = 112,
                converter = Durations.Converter.class,
                description = "How long to wait for the connection, e.g. 5s or 500ms (default: ${DEFAULT-VALUE}).")
        Duration connectTimeout;
    }

    private NatsContext context;
    private volatile long connectNanos;

    /**
     * Connects with jnats: no reconnects (a command fails rather than waits), quiet error listener.
     *
     * @throws CommandFailure with the server's or the socket's reason when the connection fails
     */
    public Connection connect() throws InterruptedException {
        Options.Builder builder;
        try {
            builder = builder(context());
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandFailure("cannot read the TLS files: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        CompletableFuture<Connection> attempt = new CompletableFuture<>();
        ReasonListener reasons = new ReasonListener(attempt);
        Options options = builder.errorListener(reasons).build();
        // jnats reports a refused login at once but returns from connect only when the connection timeout
        // has passed; the listener fails the attempt as soon as the server's -ERR arrives instead.
        Thread connecting = new Thread(() -> {
            try {
                long start = System.nanoTime();
                Connection nc = Nats.connect(options);
                connectNanos = System.nanoTime() - start;
                if (!attempt.complete(nc)) {
                    nc.close();
                }
            } catch (Exception e) {
                attempt.completeExceptionally(e);
            }
        }, "halyard-connect");
        connecting.setDaemon(true);
        connecting.start();
        try {
            return attempt.get();
        } catch (ExecutionException e) {
            String servers = String.join(",", options.getServers().stream().map(Object::toString).toList());
            String reason = reasons.reason();
            if (reason == null || reason.equals(TimeoutException.class.getSimpleName())) {
                reason = reasons.timedOut()
                        ? "no answer within " + Durations.format(settings.connectTimeout)
                                + (options.getSslContext() != null ? " (does the server want a client certificate?)" : "")
                        : ErrorReport.describe(e.getCause());
            }
            throw new CommandFailure("cannot connect to " + servers + ": " + reason);
        }
    }

    /** How long the last successful {@link #connect()} took, from the first byte to the server's PONG. */
    public Duration connectDuration() {
        return Duration.ofNanos(connectNanos);
    }

    /** The context in force (loaded once): named, selected, or {@link NatsContext#NONE}. */
    public NatsContext context() {
        if (context == null) {
            try {
                context = settings.noContext ? NatsContext.NONE
                        : NatsContext.Store.of(System.getenv()).resolve(settings.context);
            } catch (IOException e) {
                throw new CommandFailure("cannot read context: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
        }
        return context;
    }

    /** The jnats options for these settings over {@code ctx}, without an error listener. */
    Options.Builder builder(NatsContext ctx) throws IOException, GeneralSecurityException {
        String url = first(settings.server, ctx.url(), DEFAULT_URL);
        Options.Builder builder = Options.builder()
                .servers(Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new))
                .connectionName("halyard-cli")
                .connectionTimeout(settings.connectTimeout)
                .maxReconnects(0);
        String user = first(settings.user, ctx.user());
        String password = first(settings.password, ctx.password());
        String token = first(settings.token, ctx.token());
        if (user != null && password == null && token == null) {
            token = user; // the NATS CLI's convention: --user alone carries a token
            user = null;
        }
        if (user != null) {
            builder.userInfo(user, password == null ? "" : password);
        }
        if (token != null) {
            builder.token(token.toCharArray());
        }
        String creds = first(settings.creds, ctx.creds());
        if (creds != null) {
            builder.credentialPath(creds);
        }
        String cert = first(settings.tlsCert, ctx.cert());
        String key = first(settings.tlsKey, ctx.key());
        String ca = first(settings.tlsCa, ctx.ca());
        if (cert != null || key != null || ca != null) {
            builder.sslContext(TlsFiles.context(path(cert), path(key), path(ca)));
        }
        if (settings.tlsFirst || ctx.tlsFirst()) {
            builder.tlsFirst();
        }
        if (ctx.inboxPrefix() != null) {
            builder.inboxPrefix(ctx.inboxPrefix());
        }
        return builder;
    }

    /** JetStream options from the context (domain, API prefix). */
    public JetStreamOptions jetStreamOptions() {
        NatsContext ctx = context();
        JetStreamOptions.Builder builder = JetStreamOptions.builder();
        if (ctx.jsDomain() != null) {
            builder.domain(ctx.jsDomain());
        } else if (ctx.jsApiPrefix() != null) {
            builder.prefix(ctx.jsApiPrefix());
        }
        return builder.build();
    }

    public JetStreamManagement jetStreamManagement(Connection nc) throws IOException {
        return nc.jetStreamManagement(jetStreamOptions());
    }

    public KeyValueManagement keyValueManagement(Connection nc) throws IOException {
        return nc.keyValueManagement(KeyValueOptions.builder().jetStreamOptions(jetStreamOptions()).build());
    }

    /** A bucket's KeyValue; fails with {@code no key-value bucket NAME} when there is none. */
    public KeyValue keyValue(Connection nc, String bucket) throws IOException {
        try {
            return nc.keyValue(bucket, KeyValueOptions.builder().jetStreamOptions(jetStreamOptions()).build());
        } catch (IOException e) {
            throw missing(e, "no key-value bucket " + bucket);
        }
    }

    public ObjectStoreManagement objectStoreManagement(Connection nc) throws IOException {
        return nc.objectStoreManagement(ObjectStoreOptions.builder().jetStreamOptions(jetStreamOptions()).build());
    }

    /** A bucket's ObjectStore; fails with {@code no object bucket NAME} when there is none. */
    public ObjectStore objectStore(Connection nc, String bucket) throws IOException {
        ObjectStore store = nc.objectStore(bucket, ObjectStoreOptions.builder().jetStreamOptions(jetStreamOptions()).build());
        try {
            store.getStatus(); // unlike keyValue(), jnats does not look the bucket up until it is used
        } catch (JetStreamApiException e) {
            throw missing(new IOException(e.getMessage(), e), "no object bucket " + bucket);
        }
        return store;
    }

    /** jnats wraps the bucket stream's "stream not found" in an IOException; say which bucket is missing. */
    private static IOException missing(IOException e, String message) {
        if (e.getCause() instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND) {
            throw new CommandFailure(message);
        }
        return e;
    }

    /** The server URL(s) in force, for messages. */
    public String serverUrl() {
        return first(settings.server, context().url(), DEFAULT_URL);
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /**
     * Keeps jnats from logging each failure and remembers the most telling one: the server's
     * {@code -ERR} text (e.g. "Authorization Violation") over a socket exception.
     */
    static final class ReasonListener implements ErrorListener {
        private final CompletableFuture<Connection> attempt;
        private final AtomicReference<String> serverError = new AtomicReference<>();
        private final AtomicReference<String> exception = new AtomicReference<>();
        private volatile boolean timedOut;

        ReasonListener(CompletableFuture<Connection> attempt) {
            this.attempt = attempt;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            String text = error.replace("'", "").strip();
            serverError.compareAndSet(null, text);
            if (text.toLowerCase(Locale.ROOT).contains("authorization violation")
                    || text.toLowerCase(Locale.ROOT).contains("authentication")) {
                attempt.completeExceptionally(new IOException(text));
            }
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            if (exp instanceof TimeoutException) {
                timedOut = true;
            }
            Throwable cause = exp;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            exception.compareAndSet(null, text.strip());
        }

        String reason() {
            return serverError.get() != null ? serverError.get() : exception.get();
        }

        boolean timedOut() {
            return timedOut;
        }
    }
}
