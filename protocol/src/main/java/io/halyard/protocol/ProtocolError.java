package io.halyard.protocol;

/**
 * The catalog of {@code -ERR} texts a NATS server sends, with nats-server's decision to keep or close
 * the connection after each. Clients match these strings exactly (jnats, for example, treats
 * {@code 'Authorization Violation'} and {@code 'Stale Connection'} specially), so they are taken
 * verbatim from nats-server's behaviour, including its inconsistent capitalisation.
 *
 * <p>Permission violations carry the offending subject and are built by the static methods below.
 */
public enum ProtocolError {
    /**
     * A byte nats-server's parser state machine rejects: an unknown or misspelt verb, an empty line, no
     * space after a verb that needs one, a message not followed by {@code \r\n}. (Bad arguments after a
     * known verb are {@link #PROTOCOL_VIOLATION}, which sends no {@code -ERR}.)
     */
    UNKNOWN_PROTOCOL_OPERATION("Unknown Protocol Operation", true),
    /** A control line longer than max_control_line (4096 by default). */
    MAX_CONTROL_LINE_EXCEEDED("maximum control line exceeded", true),
    /** A PUB/HPUB whose size exceeds max_payload. */
    MAX_PAYLOAD_VIOLATION("Maximum Payload Violation", true),
    /** A publish subject with wildcards or empty tokens; sent only to pedantic clients. */
    INVALID_PUBLISH_SUBJECT("Invalid Publish Subject", false),
    /** A SUB whose subject is not a valid subject filter. */
    INVALID_SUBJECT("Invalid Subject", false),
    /** Wrong or missing credentials, or a frame other than CONNECT first when auth is required. */
    AUTHORIZATION_VIOLATION("Authorization Violation", true),
    /** No CONNECT within the auth timeout (2 s by default). */
    AUTHENTICATION_TIMEOUT("Authentication Timeout", true),
    /** A SUB beyond max_subscriptions; the subscription is refused, the connection kept. */
    MAX_SUBSCRIPTIONS_EXCEEDED("maximum subscriptions exceeded", false),
    /** A new connection beyond max_connections. */
    MAX_CONNECTIONS_EXCEEDED("maximum connections exceeded", true),
    /** ping_max outstanding PINGs without a PONG. */
    STALE_CONNECTION("Stale Connection", true),
    /** A plain-text client on a listener that requires TLS. */
    TLS_REQUIRED("Secure Connection - TLS Required", true),
    /** CONNECT with a protocol number the server does not speak. */
    INVALID_CLIENT_PROTOCOL("invalid client protocol", true),
    /** CONNECT asking for no_responders without headers. */
    NO_RESPONDERS_REQUIRES_HEADERS("no responders requires headers support", true),
    /**
     * A frame whose verb is known but whose arguments are not: a wrong number of arguments, a size that
     * is not a decimal number of 1 to 9 digits, an {@code HPUB} header size above its total size.
     * nats-server's argument parsers ({@code processPub}, {@code processHeaderPub}, {@code parseSub},
     * {@code processUnsub} in {@code server/client.go}) return a Go error without sending anything, and
     * {@code readLoop} then closes the connection (closed reason "Protocol Violation"). So there is no
     * {@code -ERR} text: {@link #hasText()} is false.
     */
    PROTOCOL_VIOLATION(null, true),
    /**
     * The client sent {@code -ERR <text>}. nats-server's {@code processErr} logs it ("Client Error …")
     * and closes the connection (closed reason "Parse Error") without replying: no {@code -ERR} text.
     */
    CLIENT_SENT_ERR(null, true);

    private final String text;
    private final boolean closesConnection;

    ProtocolError(String text, boolean closesConnection) {
        this.text = text;
        this.closesConnection = closesConnection;
    }

    /**
     * The text between the quotes of {@code -ERR '…'}, or {@code null} when nats-server closes the
     * connection without sending {@code -ERR} (see {@link #hasText()}).
     */
    public String text() {
        return text;
    }

    /** Whether an {@code -ERR} is sent for this error; when false the connection is just closed. */
    public boolean hasText() {
        return text != null;
    }

    /** Whether nats-server closes the connection after sending this error. */
    public boolean closesConnection() {
        return closesConnection;
    }

    /** {@code Permissions Violation for Publish to "subject"}; the connection is kept. */
    public static String publishViolation(String subject) {
        return "Permissions Violation for Publish to " + quote(subject);
    }

    /** {@code Permissions Violation for Publish with Reply of "reply"}; the connection is kept. */
    public static String replyViolation(String reply) {
        return "Permissions Violation for Publish with Reply of " + quote(reply);
    }

    /**
     * {@code Permissions Violation for Subscription to "subject"}, with {@code using queue "q"} when the
     * subscription is a queue subscription; the connection is kept.
     */
    public static String subscribeViolation(String subject, String queue) {
        String text = "Permissions Violation for Subscription to " + quote(subject);
        return queue == null ? text : text + " using queue " + quote(queue);
    }

    /**
     * {@code Permissions Violation for Subscription to "subject" (sid "1")}, with {@code using queue "q"}
     * before the sid for a queue subscription: sent for each subscription a config reload no longer
     * allows, which is then removed (nats-server's {@code processSubsOnConfigReload}); the connection
     * is kept.
     */
    public static String subscriptionRevoked(String subject, String queue, String sid) {
        return subscribeViolation(subject, queue) + " (sid " + quote(sid) + ")";
    }

    /** Go's %q for the printable ASCII that subjects consist of: a double-quoted, escaped string. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
