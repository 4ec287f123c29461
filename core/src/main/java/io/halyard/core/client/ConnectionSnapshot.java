package io.halyard.core.client;

import java.util.List;

/**
 * One connection as monitoring shows it ({@code /connz}, {@code /subsz}): taken on the connection's
 * event loop, so its fields agree with each other, then read by any thread. Times are epoch
 * nanoseconds; {@code stopEpochNanos} is 0 and {@code reason} null while the connection is open.
 *
 * @param websocket   the connection came through the WebSocket listener
 * @param subscriptions the subscriptions at the time (empty when not asked for, see
 *                      {@link ClientSession#snapshot(boolean)}); {@code subscriptionCount} is always set
 */
public record ConnectionSnapshot(long cid, String ip, int port, long startEpochNanos, long lastActivityEpochNanos,
                                 long stopEpochNanos, String reason, long rttNanos, long pendingBytes,
                                 long inMsgs, long outMsgs, long inBytes, long outBytes, int subscriptionCount,
                                 String name, String lang, String version, String user, boolean tls,
                                 boolean websocket, List<SubscriptionDetail> subscriptions) {

    /** One subscription of a connection; {@code max} is 0 without an auto-unsubscribe limit. */
    public record SubscriptionDetail(String subject, String queue, String sid, long msgs, long max, long cid) {
    }

    /** The same connection, closed at {@code stopEpochNanos} for {@code reason}. */
    ConnectionSnapshot closed(long stopEpochNanos, String reason) {
        return new ConnectionSnapshot(cid, ip, port, startEpochNanos, lastActivityEpochNanos, stopEpochNanos, reason,
                rttNanos, pendingBytes, inMsgs, outMsgs, inBytes, outBytes, subscriptionCount, name, lang, version,
                user, tls, websocket, subscriptions);
    }
}
