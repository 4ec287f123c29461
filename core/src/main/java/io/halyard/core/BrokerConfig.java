package io.halyard.core;

import io.halyard.core.auth.Authenticator;

import java.util.concurrent.TimeUnit;

/**
 * The settings the broker domain needs, in its own units, built by the server from its options.
 * Filled before the broker starts. The volatile fields may be changed by a config reload; they are
 * read when a connection is accepted or sends CONNECT/SUB, and by timers — never per message — so a
 * change applies to what happens next (new connections, for the limits fixed at accept).
 */
public final class BrokerConfig {
    public String serverId = "";
    public String serverName = "";
    /** The host and port advertised in INFO. */
    public String host = "0.0.0.0";
    public int port = 4222;

    public volatile int maxPayload = 1024 * 1024;
    public volatile int maxControlLine = 4096;
    public volatile int maxConnections = 64 * 1024;
    /** 0 = unlimited. */
    public volatile int maxSubscriptions;
    public volatile long maxPendingBytes = 64L * 1024 * 1024;
    public volatile long pingIntervalNanos = TimeUnit.MINUTES.toNanos(2);
    public volatile int pingMax = 2;
    public volatile long authTimeoutNanos = TimeUnit.SECONDS.toNanos(2);

    public boolean tlsRequired;
    public boolean tlsVerify;
    public boolean jetStream;

    /** Subject mappings applied to what clients publish; null when there are none. */
    public volatile io.halyard.core.subject.SubjectMappings mappings;

    /** Decides who may connect and with which permissions. */
    public volatile Authenticator authenticator = Authenticator.NONE;
}
