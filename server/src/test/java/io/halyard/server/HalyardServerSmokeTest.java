package io.halyard.server;

import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The smallest end-to-end check: a jnats client publishes and receives through a real server. */
@Timeout(30)
class HalyardServerSmokeTest {
    private HalyardServer server;

    @BeforeEach
    void start() throws Exception {
        ServerOptions o = new ServerOptions();
        o.host = "127.0.0.1";
        o.port = -1;
        server = new HalyardServer(o).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void shouldDeliverAPublishedMessageToASubscriber() throws Exception {
        try (Connection nc = Nats.connect("nats://127.0.0.1:" + server.port())) {
            Subscription sub = nc.subscribe("greet.*");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("greet.joe", "hello".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            assertNotNull(m);
            assertEquals("greet.joe", m.getSubject());
            assertEquals("hello", new String(m.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldBridgeWebSocketAndTcpClientsWhenAWebsocketBlockIsConfigured() throws Exception {
        ServerOptions o = new ServerOptions();
        o.host = "127.0.0.1";
        o.port = -1;
        o.webSocket = new ServerOptions.WebSocket();
        o.webSocket.host = "127.0.0.1";
        o.webSocket.port = -1;
        o.webSocket.noTls = true;
        HalyardServer ws = new HalyardServer(o).start();
        try (Connection tcp = Nats.connect("nats://127.0.0.1:" + ws.port());
             Connection web = Nats.connect("ws://127.0.0.1:" + ws.webSocketPort())) {
            Subscription sub = tcp.subscribe("from.web");
            tcp.flush(Duration.ofSeconds(2));
            web.publish("from.web", "hi".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            assertNotNull(m);
            assertEquals("hi", new String(m.getData(), StandardCharsets.UTF_8));
        } finally {
            ws.stop();
        }
    }

    @Test
    void shouldAnswerARequest() throws Exception {
        try (Connection nc = Nats.connect("nats://127.0.0.1:" + server.port())) {
            nc.createDispatcher(m -> nc.publish(m.getReplyTo(), m.getData())).subscribe("echo");
            nc.flush(Duration.ofSeconds(2));
            Message reply = nc.request("echo", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
            assertNotNull(reply);
            assertEquals("ping", new String(reply.getData(), StandardCharsets.UTF_8));
        }
    }
}
