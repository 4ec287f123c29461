package io.halyard.server;

import io.halyard.core.client.Transport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every {@link Transport} over a Netty channel shares: the event loop, timers, read pausing,
 * unwritten bytes, and a close that waits (at most a grace period) for queued bytes. Subclasses say
 * how bytes are framed ({@link #write}) and what a close sends last.
 *
 * <p>Thread-safety as {@link Transport} states: writes and close on the channel's event loop.
 */
public abstract class ChannelTransport implements Transport {
    protected final Channel channel;
    private final String remoteAddress;
    private final long closeGraceMillis;

    /**
     * @param remoteAddress    {@code host:port} of the peer, or {@code null} for the channel's own
     * @param closeGraceMillis how long a close waits for queued bytes to reach the peer
     */
    protected ChannelTransport(Channel channel, String remoteAddress, long closeGraceMillis) {
        this.channel = channel;
        this.remoteAddress = remoteAddress != null ? remoteAddress : format(channel.remoteAddress());
        this.closeGraceMillis = closeGraceMillis;
    }

    @Override
    public boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public long unwrittenBytes() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    public void setReadPaused(boolean paused) {
        channel.config().setAutoRead(!paused);
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        ScheduledFuture<?> f = channel.eventLoop().schedule(task, delay, unit);
        return () -> f.cancel(false);
    }

    @Override
    public ByteBufAllocator allocator() {
        return channel.alloc();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isSecure() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /**
     * Writes {@code last} after everything queued, closes the channel once it is written, and closes it
     * anyway after the grace period (a stuck peer must not keep the connection open).
     */
    protected final void closeAfter(Object last) {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, closeGraceMillis, TimeUnit.MILLISECONDS);
    }

    /** {@code ip:port} for an internet address, else the address's own text. */
    public static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
