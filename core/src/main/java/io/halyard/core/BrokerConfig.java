package io.halyard.core;

import io.halyard.core.auth.Authenticator;

import java.util.concurrent.TimeUnit;

/**
 * The settings the broker domain needs, in its own units, built by the server from its options.
 * Filled once before the broker starts; read-only afterwards.
 */
public final class BrokerConfig {
    public String serverId = "";
    public String serverName = "";
    /** The host and port advertised in INFO. */
    public String host = "0.0.0.0";
    public int port = 4222;

    public int maxPayload = 1024 * 1024;
    public int maxControlLine = 4096;
    public int maxConnections = 64 * 1024;
    /** 0 = unlimited. */
    public int maxSubscriptions;
    public long maxPendingBytes = 64L * 1024 * 1024;
    public long pingIntervalNanos = TimeUnit.MINUTES.toNanos(2);
    public int pingMax = 2;
    public long authTimeoutNanos = TimeUnit.SECONDS.toNanos(2);

    public boolean tlsRequired;
    public boolean tlsVerify;
    public boolean jetStream;

    /** Decides who may connect and with which permissions. */
    public Authenticator authenticator = Authenticator.NONE;
}
