package io.halyard.cli.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where to connect and how to authenticate: {@code nats://[user:password@|token@]host[:port]}, or a bare
 * {@code host[:port]}. The port defaults to 4222. TLS ({@code tls://}) is not supported by the raw
 * benchmark driver.
 */
public record ServerUrl(String host, int port, String user, String password, String token) {

    public static final int DEFAULT_PORT = 4222;

    public static ServerUrl parse(String text) {
        String withScheme = text.contains("://") ? text : "nats://" + text;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a server URL: " + text, e);
        }
        if (!"nats".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only nats:// URLs are supported by the bench driver: " + text);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in server URL: " + text);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return new ServerUrl(uri.getHost(), port, null, null, null);
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return new ServerUrl(uri.getHost(), port, null, null, decode(userInfo));
        }
        return new ServerUrl(uri.getHost(), port, decode(userInfo.substring(0, colon)),
                decode(userInfo.substring(colon + 1)), null);
    }

    private static String decode(String part) {
        // Percent-decoding only: in a URL's user info '+' is a literal plus, not a space.
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** The URL without credentials, safe to print. */
    @Override
    public String toString() {
        return "nats://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
