package io.halyard.server;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Connects a Netty channel to a {@link ClientSession}: bytes in go to the session's parser; the end of
 * a read flushes what the read delivered; channel close ends the session.
 *
 * <h2>TLS</h2>
 * NATS sends INFO in clear text and then expects the client to start the TLS handshake (the client
 * learns from {@code tls_required} in INFO that it must). So the {@link SslHandler} is added in front
 * of this handler only after the session has written INFO.
 *
 * <p>One instance per channel; confined to the channel's event loop.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ClientChannelHandler.class.getName());

    private final Broker broker;
    private final SslContext sslContext;
    private final long tlsHandshakeTimeoutMillis;
    private final long writeDeadlineMillis;
    private ClientSession session;

    ClientChannelHandler(Broker broker, SslContext sslContext, long tlsHandshakeTimeoutMillis,
                         long writeDeadlineMillis) {
        this.broker = broker;
        this.sslContext = sslContext;
        this.tlsHandshakeTimeoutMillis = tlsHandshakeTimeoutMillis;
        this.writeDeadlineMillis = writeDeadlineMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = broker.accept(new NettyTransport(ctx.channel(), writeDeadlineMillis));
        if (sslContext != null && ctx.channel().isActive()) {
            SslHandler ssl = sslContext.newHandler(ctx.alloc());
            ssl.setHandshakeTimeout(tlsHandshakeTimeoutMillis, TimeUnit.MILLISECONDS);
            ctx.pipeline().addFirst("tls", ssl);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            session.read(in);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.readComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.transportClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.log(System.Logger.Level.DEBUG, "{0} connection error: {1}", session, cause.getMessage());
        } else {
            LOG.log(System.Logger.Level.WARNING, session + " closing after error", cause);
        }
        ctx.close();
    }
}
