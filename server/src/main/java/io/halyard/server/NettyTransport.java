package io.halyard.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * A {@link io.halyard.core.client.Transport} over a plain (or TLS) TCP channel: bytes go out as they
 * are, with the void promise (no per-write allocation); a close waits up to write_deadline for what
 * is queued.
 */
final class NettyTransport extends ChannelTransport {

    NettyTransport(Channel channel, long closeGraceMillis) {
        super(channel, null, closeGraceMillis);
    }

    @Override
    public void write(ByteBuf buffer) {
        channel.write(buffer, channel.voidPromise());
    }

    @Override
    public void close() {
        closeAfter(Unpooled.EMPTY_BUFFER);
    }
}
