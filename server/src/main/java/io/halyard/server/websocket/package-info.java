/**
 * NATS over WebSocket: the listener that nats.ws, nats.js' {@code wsconnect}, nats.go's and jnats'
 * {@code ws://} / {@code wss://} clients connect to ({@code websocket { }} in the configuration).
 *
 * <ul>
 *   <li>{@link io.halyard.server.websocket.WebSocketListener} binds the port and builds each
 *       channel's pipeline: optional TLS, HTTP/1.1, the upgrade checks nats-server makes
 *       ({@link io.halyard.server.websocket.UpgradeRequestCheck}), optional permessage-deflate,
 *       Netty's WebSocket protocol handler;</li>
 *   <li>{@link io.halyard.server.websocket.WebSocketChannelHandler} creates the client session once
 *       the upgrade is done and feeds it the payload of every data frame;</li>
 *   <li>{@link io.halyard.server.websocket.WebSocketTransport} is the session's
 *       {@link io.halyard.core.client.Transport}: what the session writes leaves as binary frames.</li>
 * </ul>
 * A WebSocket client is an ordinary NATS client once upgraded: the same session, parser, auth and
 * permissions as on the TCP port. Frame boundaries mean nothing to NATS — the parser is fed each
 * frame's payload as it comes, so a protocol line may span frames and a frame may carry many lines.
 *
 * <p>May import: Halyard's core and config, Netty (transport, handler, codec-http).
 */
package io.halyard.server.websocket;
