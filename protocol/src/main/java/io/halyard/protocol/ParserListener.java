package io.halyard.protocol;

/**
 * Receives the client→server operations decoded by {@link NatsParser}, as plain values.
 *
 * <p>Control-plane operations ({@code CONNECT}, {@code SUB}, {@code UNSUB}) arrive as {@code String}s:
 * they are rare and allocating for them is fine. The data-plane operation ({@code PUB}/{@code HPUB})
 * arrives as a reused {@link PublishFrame} flyweight and must not allocate.
 *
 * <p>Every call is made on the thread that called {@link NatsParser#parse}; an implementation need not
 * be thread-safe on the parser's account.
 */
public interface ParserListener {

    /** {@code CONNECT <json>}: the JSON text exactly as sent (not validated by the parser). */
    void onConnect(String json);

    /**
     * {@code PUB} or {@code HPUB}. The frame and the buffers it points into are valid only during this
     * call; copy what must outlive it.
     */
    void onPublish(PublishFrame frame);

    /** {@code SUB <subject> [queue] <sid>}; {@code queue} is {@code null} when absent. */
    void onSubscribe(String subject, String queue, String sid);

    /** {@code UNSUB <sid> [max]}; {@code maxMessages} is -1 when absent. */
    void onUnsubscribe(String sid, long maxMessages);

    /**
     * {@code INFO <json>} from a client: the JSON text exactly as sent. nats-server unmarshals it and, for
     * a client connection, ignores it, except that JSON it cannot unmarshal closes the connection without
     * {@code -ERR}; a listener that wants that behaviour checks the text here. The default ignores it.
     */
    default void onInfo(String json) {
    }

    void onPing();

    void onPong();

    /**
     * A malformed frame. The parser has stopped: it ignores every later byte until {@link
     * NatsParser#reset()}. The listener sends {@code -ERR} (when the error has a text) and closes the
     * connection when {@link ProtocolError#closesConnection()} says so.
     */
    void onProtocolError(ProtocolError error);
}
