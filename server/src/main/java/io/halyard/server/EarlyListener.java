package io.halyard.server;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The client port, bound with plain java.nio as the first thing {@link Main} does once it knows the
 * host and port — before logging, the broker, Netty and its native transport are loaded — and handed
 * to Netty when {@link HalyardServer#start(EarlyListener)} runs. Plain JDK: loading this class loads
 * no Netty class.
 *
 * <h2>Why</h2>
 * Harnesses that start nats-server by name connect soon after the spawn: jnats-server-runner, with its
 * defaults, connects about 200, 250 and 300 ms after it and fails the start when all three connects are
 * refused. nats-server listens within ~25 ms; a JVM that loaded Netty before binding listened after
 * ~700 ms. Once this socket listens, the kernel completes connects and queues them (backlog
 * {@value #BACKLOG}) until Netty accepts them, and a harness that then reads INFO simply waits for it.
 *
 * <h2>Handing over</h2>
 * With NIO, Netty's {@code NioServerSocketChannel} wraps the java.nio channel. With epoll,
 * {@code EpollServerSocketChannel} takes the socket's descriptor number, which java.nio exposes only
 * through {@code sun.nio.ch.SelChImpl#getFDVal}. The server jar's manifest exports that package to the
 * application ({@code Add-Exports: java.base/sun.nio.ch}), so {@code java -jar} (bin/halyard,
 * bin/nats-server) can read it. Where it is not exported (Halyard on a plain class path), {@link #bind}
 * is not used: {@link #canHandOver()} says so, and the server binds through Netty as before, on the
 * transport it would have used anyway.
 *
 * <h2>Pitfalls</h2>
 * After an epoll hand-over, Netty owns the descriptor and closes it; the java.nio channel still believes
 * it is open. It must never be closed after the hand-over (that would close whatever descriptor then
 * has its number) — {@link #close()} refuses to — and it must stay reachable while the server runs, in
 * case a JDK ever attaches a cleaner to it. The socket is switched to non-blocking before the hand-over:
 * Netty's edge-triggered accept loop reads until the kernel says "would block".
 *
 * <p>Not thread-safe: bound, handed over and closed by the thread that starts the server.
 */
public final class EarlyListener {
    /** The listen backlog, as HalyardServer asks Netty for. */
    static final int BACKLOG = 1024;

    private final ServerSocketChannel channel;
    private boolean handedOver;

    private EarlyListener(ServerSocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Whether a socket bound here can be handed to any of Netty's transports: true when
     * {@code sun.nio.ch} is exported to Halyard (the server jar's manifest does it for {@code java -jar}).
     */
    public static boolean canHandOver() {
        return Object.class.getModule().isExported("sun.nio.ch", EarlyListener.class.getModule());
    }

    /**
     * Binds and listens on {@code host:port} ({@code port} -1 or 0: a free port), with
     * {@code SO_REUSEADDR} as Netty would set it.
     *
     * @throws IOException when the address cannot be bound, as Netty's bind would fail
     */
    public static EarlyListener bind(String host, int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(host, Math.max(port, 0)), BACKLOG);
            return new EarlyListener(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The bound port. */
    public int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hands the socket to Netty's NIO transport, which wraps the java.nio channel itself
     * ({@code new NioServerSocketChannel(channel)}).
     */
    ServerSocketChannel handOverChannel() {
        markHandedOver();
        return channel;
    }

    /**
     * Hands the socket to Netty's epoll transport: its descriptor number, the socket switched to
     * non-blocking ({@code new EpollServerSocketChannel(fd)}). From now on Netty closes it.
     *
     * @throws IOException when the descriptor cannot be read ({@link #canHandOver()} is false)
     */
    int handOverDescriptor() throws IOException {
        channel.configureBlocking(false);
        int fd = descriptor(channel);
        markHandedOver();
        return fd;
    }

    private void markHandedOver() {
        if (handedOver) {
            throw new IllegalStateException("already handed over");
        }
        handedOver = true;
    }

    /** Closes the socket unless it was handed over (then it is Netty's to close). */
    public void close() {
        if (!handedOver) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was accepted on it; the process is stopping
            }
        }
    }

    private static int descriptor(ServerSocketChannel channel) throws IOException {
        try {
            Method getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) getFdVal.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the listening socket's descriptor (is java.base/sun.nio.ch "
                    + "exported to Halyard?): " + e, e);
        }
    }
}
