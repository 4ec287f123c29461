package io.halyard.server;

import io.halyard.core.client.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Transport} over a Netty channel. Writes use the void promise (no per-write allocation).
 *
 * <p>Thread-safety as {@link Transport} states: writes and close on the channel's event loop.
 */
final class NettyTransport implements Transport {
    private final Channel channel;
    private final String remoteAddress;
    /** How long a close waits for queued bytes to reach the peer: write_deadline. */
    private final long closeGraceMillis;

    NettyTransport(Channel channel, long closeGraceMillis) {
        this.channel = channel;
        this.closeGraceMillis = closeGraceMillis;
        this.remoteAddress = format(channel.remoteAddress());
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
    public void write(ByteBuf buffer) {
        channel.write(buffer, channel.voidPromise());
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
    public void close() {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, closeGraceMillis, TimeUnit.MILLISECONDS);
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

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
