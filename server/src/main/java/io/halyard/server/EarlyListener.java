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
 * <h2>Bound before the JVM</h2>
 * Even so, a JVM needs ~100 ms to reach {@code main}, more on a busy machine. So on Linux the
 * launcher ({@code bin/halyard} through {@code bin/lib/listen-first.pl}) binds the port before it
 * starts the JVM, when it knows the port for sure, passes the listening socket as standard input and
 * says so with {@code -D}{@value #LAUNCHER_FD_PROPERTY}{@code =0}; {@link #fromLauncher} stands for it
 * and epoll takes descriptor 0 as it is. (Not through {@link System#inheritedChannel()}: closing that
 * channel points standard output and error at /dev/null too, and the log would go with them.)
 * {@link HalyardServer} checks the socket's address against the options and binds anew when it does
 * not match, or when epoll is not available; standard input is then pointed at /dev/null, which
 * releases the launcher's socket.
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
    /** The system property by which the launcher says it bound the client port on standard input: {@code 0}. */
    public static final String LAUNCHER_FD_PROPERTY = "halyard.listen_fd";

    /** The java.nio socket, or null for the launcher's socket on standard input. */
    private final ServerSocketChannel channel;
    /** For the launcher's socket: the port the options ask for (the server checks it). */
    private final int launcherPort;
    private boolean handedOver;

    private EarlyListener(ServerSocketChannel channel, int launcherPort) {
        this.channel = channel;
        this.launcherPort = launcherPort;
    }

    /**
     * The socket the launcher bound before the JVM started, when it says so ({@value #LAUNCHER_FD_PROPERTY}
     * is {@code 0}) and the options ask for a port above 0; null otherwise (a launcher's socket that
     * cannot be the client port is released at once). No system call: the server checks the socket.
     */
    public static EarlyListener fromLauncher(int port) {
        if (!"0".equals(System.getProperty(LAUNCHER_FD_PROPERTY))) {
            return null;
        }
        if (port <= 0) {
            releaseStandardInput();
            return null;
        }
        return new EarlyListener(null, port);
    }

    /** Whether Netty has taken the socket over. */
    public boolean handedOver() {
        return handedOver;
    }

    /** Whether this is the launcher's socket ({@link #fromLauncher}). */
    public boolean boundByLauncher() {
        return channel == null;
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
            return new EarlyListener(ch, -1);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The bound port (for the launcher's socket: the port it was asked to bind). */
    public int port() {
        if (channel == null) {
            return launcherPort;
        }
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
        if (channel == null) {
            throw new IllegalStateException("the launcher's socket has no java.nio channel");
        }
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
        if (channel == null) {
            markHandedOver();
            return 0; // listen-first.pl made it non-blocking
        }
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
        if (handedOver) {
            return;
        }
        if (channel == null) {
            releaseStandardInput();
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was accepted on it; the process is stopping
        }
    }

    /**
     * Lets go of the launcher's socket on standard input: closing {@code System.in} points descriptor 0
     * at /dev/null (the JDK never leaves 0, 1 or 2 unassigned), so the socket closes and the port is free.
     */
    private static void releaseStandardInput() {
        try {
            System.in.close();
        } catch (IOException e) {
            // then the port stays taken and the server's own bind says so
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
