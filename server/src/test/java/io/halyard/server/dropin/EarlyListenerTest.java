package io.halyard.server.dropin;

import io.halyard.server.EarlyListener;
import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The client port bound before the server is built ({@link EarlyListener}): connections made in
 * between wait in the kernel's backlog and are greeted once the server runs, on either of Netty's
 * transports; without the {@code sun.nio.ch} export the server binds as before.
 */
@Timeout(60)
class EarlyListenerTest {

    /** Connects, sends CONNECT and PING, and reads until PONG; returns everything read. */
    private static String greet(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write("CONNECT {\"verbose\":false}\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("PONG\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + seen);
            }
            seen.append((char) b);
        }
        return seen.toString();
    }

    /** Connects to 127.0.0.1:port as soon as something listens there (or the child has exited). */
    private static Socket connectWhenListening(int port, DropIn.Child child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return s;
            } catch (ConnectException e) {
                s.close();
                if (!child.process.isAlive()) {
                    throw new AssertionError("the server exited:\n" + child.log());
                }
                Thread.sleep(5);
            }
        }
        throw new AssertionError("nothing listens on " + port + ":\n" + child.log());
    }

    @Test
    void shouldGreetAConnectionThatWaitedInTheBacklogBeforeTheServerStarted() throws Exception {
        assumeTrue(EarlyListener.canHandOver(), "the test JVM exports sun.nio.ch (server/pom.xml, surefire argLine)");
        EarlyListener early = EarlyListener.bind("127.0.0.1", -1);
        int port = early.port();
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        try (Socket early1 = new Socket("127.0.0.1", port); Socket early2 = new Socket("127.0.0.1", port)) {
            HalyardServer server = new HalyardServer(options).start(early);
            try {
                assertEquals(port, server.port(), "the server serves the port bound early");
                for (Socket s : List.of(early1, early2)) {
                    String answer = greet(s);
                    assertTrue(answer.startsWith("INFO {"), answer);
                    assertTrue(answer.contains("\"port\":" + port), answer);
                }
                try (Socket later = new Socket("127.0.0.1", port)) {
                    assertTrue(greet(later).startsWith("INFO {"));
                }
            } finally {
                server.stop();
            }
        }
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port));  // stop closed the handed-over socket
        }
    }

    @Test
    void shouldListenEarlyAndServeWithTheNioTransportWhenEpollIsUnavailable() throws Exception {
        int port = DropIn.freePort();
        List<String> jvm = List.of(DropIn.ADD_EXPORTS, "-Dio.netty.transport.noNative=true");
        try (DropIn.Child child = DropIn.Child.start(jvm, List.of("-a", "127.0.0.1", "-p", Integer.toString(port)), Map.of());
             Socket s = connectWhenListening(port, child)) {
            assertTrue(greet(s).contains("\"port\":" + port));
            child.awaitLine("Server is ready \\(nio transport\\)", Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldBindThroughNettyWhenTheSocketCannotBeHandedOver() throws Exception {
        int port = DropIn.freePort();
        try (DropIn.Child child = DropIn.Child.start(List.of(), List.of("-a", "127.0.0.1", "-p", Integer.toString(port)), Map.of());
             Socket s = connectWhenListening(port, child)) {
            assertTrue(greet(s).contains("\"port\":" + port));
            child.awaitLine("Server is ready", Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldServeOnTheSocketTheLauncherBoundBeforeTheJvmStarted() throws Exception {
        assumeTrue(DropIn.perl() != null && isLinux(), "bin/lib/listen-first.pl binds early on Linux, with perl");
        int port = DropIn.freePort();
        try (DropIn.Child child = DropIn.Child.startListeningFirst(List.of(DropIn.ADD_EXPORTS),
                List.of("-D", "-a", "127.0.0.1", "-p", Integer.toString(port)), Map.of())) {
            Socket s = connectWhenListening(port, child);
            // Listening before the JVM has logged anything: the kernel queued the connect.
            assertTrue(child.log().isEmpty() || !child.log().contains("Server is ready"), child.log());
            try (s) {
                assertTrue(greet(s).contains("\"port\":" + port));
            }
            child.awaitLine("Serving on the client socket the launcher bound", Duration.ofSeconds(10));
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // the stop closed it
        }
    }

    /** A listening socket on {@code port} as standard input, said to be the client port, as listen-first.pl passes it. */
    private static List<String> passingASocketOn(int port) {
        return List.of(DropIn.perl().toString(), "-MSocket", "-MFcntl", "-e",
                "socket(my $s, PF_INET, SOCK_STREAM, 0) or die; bind($s, sockaddr_in(" + port
                        + ", inet_aton('127.0.0.1'))) or die; listen($s, 16) or die; "
                        + "fcntl($s, F_SETFL, O_NONBLOCK) or die; open(STDIN, '<&', $s) or die; "
                        + "splice(@ARGV, 1, 0, '-Dhalyard.listen_fd=0'); exec @ARGV");
    }

    @Test
    void shouldLetGoOfALaunchersSocketOnAnotherPortAndBindItsOwnKeepingTheLog() throws Exception {
        assumeTrue(DropIn.perl() != null && isLinux(), "the test passes a socket with perl");
        int wrong = DropIn.freePort();
        int port = DropIn.freePort();
        try (DropIn.Child child = DropIn.Child.start(passingASocketOn(wrong), List.of(DropIn.ADD_EXPORTS),
                List.of("-a", "127.0.0.1", "-p", Integer.toString(port)), Map.of());
             Socket s = connectWhenListening(port, child)) {
            assertTrue(greet(s).contains("\"port\":" + port));
            child.awaitLine("Not serving on the client socket the launcher bound \\(another address\\)", Duration.ofSeconds(10));
            child.awaitLine("Server is ready", Duration.ofSeconds(10));
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", wrong)); // released by the server
            }
        }
    }

    @Test
    void shouldLetGoOfALaunchersSocketWhenEpollIsUnavailable() throws Exception {
        assumeTrue(DropIn.perl() != null && isLinux(), "the test passes a socket with perl");
        int port = DropIn.freePort();
        try (DropIn.Child child = DropIn.Child.start(passingASocketOn(port),
                List.of(DropIn.ADD_EXPORTS, "-Dio.netty.transport.noNative=true"),
                List.of("-a", "127.0.0.1", "-p", Integer.toString(port)), Map.of())) {
            child.awaitLine("Server is ready \\(nio transport\\)", Duration.ofSeconds(20));
            try (Socket s = connectWhenListening(port, child)) {
                assertTrue(greet(s).contains("\"port\":" + port));
            }
            assertTrue(child.log().contains("no epoll transport"), child.log());
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

    @Test
    void shouldStopWithOneLineWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             DropIn.Child child = DropIn.Child.start(List.of("-a", "127.0.0.1", "-p",
                     Integer.toString(taken.getLocalPort())), Map.of())) {
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), child.log());
            assertEquals(1, child.process.exitValue());
            child.awaitLine("^nats-server: cannot start: cannot listen on 127\\.0\\.0\\.1:" + taken.getLocalPort()
                    + ": .*Address already in use", Duration.ofSeconds(5));
        }
    }
}
