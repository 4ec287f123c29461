package io.halyard.core;

/**
 * What {@code INFO} tells a client about the listener it connected through. nats-server advertises the
 * client port's host, port and TLS to clients of the client port, and the websocket listener's to
 * WebSocket clients (client.go, {@code generateClientInfoJSON}: {@code host}, {@code port}, and
 * {@code tls_required} = {@code tls_available} = whether the websocket listener has TLS).
 *
 * @param host         the listener's host, as configured ({@code 0.0.0.0} for all interfaces)
 * @param port         the bound port
 * @param tlsRequired  {@code tls_required}: the client must speak TLS on this listener
 * @param tlsAvailable {@code tls_available}: TLS is offered on this listener
 */
public record ListenerInfo(String host, int port, boolean tlsRequired, boolean tlsAvailable) {
}
