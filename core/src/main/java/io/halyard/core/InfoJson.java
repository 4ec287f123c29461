package io.halyard.core;

/**
 * The JSON of the {@code INFO} a client gets when it connects, with nats-server's field names, order
 * and omissions (the {@code Info} struct of its server.go: {@code omitempty} fields only when set).
 *
 * <p>Written by hand rather than with Jackson's {@code ObjectMapper}: building one loads ~500 classes,
 * ~250 ms before the first client could be greeted. Strings are escaped as Jackson escapes them
 * ({@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control characters as {@code \}{@code u00XX},
 * everything else as it is), so the bytes are the ones Jackson wrote.
 *
 * <p>Stateless; thread-safe.
 */
final class InfoJson {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private InfoJson() {
    }

    /** The INFO JSON for client {@code clientId} (from {@code clientIp}, may be null) on {@code listener}. */
    static String of(BrokerConfig config, ListenerInfo listener, long clientId, String clientIp) {
        return of(config, listener, clientId, clientIp, false);
    }

    /** As above; {@code lameDuck} adds {@code "ldm":true}, as nats-server's INFO in lame-duck mode. */
    static String of(BrokerConfig config, ListenerInfo listener, long clientId, String clientIp, boolean lameDuck) {
        StringBuilder json = new StringBuilder(384).append('{');
        string(json, "server_id", config.serverId);
        string(json, "server_name", config.serverName);
        string(json, "version", Broker.NATS_COMPATIBLE_VERSION);
        string(json, "halyard_version", Broker.HALYARD_VERSION);
        number(json, "proto", 1);
        string(json, "go", "halyard");
        string(json, "host", listener.host());
        number(json, "port", listener.port());
        bool(json, "headers", true);
        if (config.authenticator.required()) {
            bool(json, "auth_required", true);
        }
        if (listener.tlsRequired()) {
            bool(json, "tls_required", true);
        }
        if (config.tlsVerify) {
            bool(json, "tls_verify", true);
        }
        if (listener.tlsAvailable()) {
            bool(json, "tls_available", true);
        }
        number(json, "max_payload", config.maxPayload);
        if (config.jetStream) {
            bool(json, "jetstream", true);
        }
        number(json, "client_id", clientId);
        if (clientIp != null) {
            string(json, "client_ip", clientIp);
        }
        if (lameDuck) {
            bool(json, "ldm", true);
        }
        return json.append('}').toString();
    }

    private static void string(StringBuilder json, String name, String value) {
        key(json, name);
        if (value == null) {
            json.append("null");
        } else {
            quoted(json, value);
        }
    }

    private static void number(StringBuilder json, String name, long value) {
        key(json, name);
        json.append(value);
    }

    private static void bool(StringBuilder json, String name, boolean value) {
        key(json, name);
        json.append(value);
    }

    private static void key(StringBuilder json, String name) {
        if (json.length() > 1) {
            json.append(',');
        }
        quoted(json, name);
        json.append(':');
    }

    /** {@code text} as a JSON string, escaped as Jackson escapes it. */
    static void quoted(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\t' -> json.append("\\t");
                case '\n' -> json.append("\\n");
                case '\f' -> json.append("\\f");
                case '\r' -> json.append("\\r");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
