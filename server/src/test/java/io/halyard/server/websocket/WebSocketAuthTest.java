package io.halyard.server.websocket;

import static io.halyard.server.websocket.WebSocketMessagingTest.CONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A WebSocket client is authenticated and authorised exactly like a TCP client. */
@Timeout(60)
class WebSocketAuthTest {
    private static final Duration WAIT = JdkWsClient.WAIT;

    private static String connect(String user, String pass) {
        return "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"user\":\"" + user
                + "\",\"pass\":\"" + pass + "\"}\r\n";
    }

    @Test
    void shouldRefuseWrongCredentialsWithAuthorizationViolationAndClose() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> {
            o.username = "alice";
            o.password = "s3cret";
        }); JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            assertTrue(ws.await("\r\n").contains("\"auth_required\":true"), ws.received());
            ws.send(connect("alice", "wrong") + "PING\r\n");
            ws.await("-ERR 'Authorization Violation'\r\n");
            assertEquals(1008, ws.awaitClose(), "closed with policy violation, as nats-server");
            assertTrue(!ws.received().contains("PONG"), ws.received());
        }
    }

    @Test
    void shouldAcceptRightCredentials() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> {
            o.username = "alice";
            o.password = "s3cret";
        }); JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(connect("alice", "s3cret") + "PING\r\n");
            ws.await("PONG\r\n");
        }
    }

    @Test
    void shouldRefuseACommandBeforeConnectWhenAuthIsRequired() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.token = "t0ken");
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send("SUB foo 1\r\n");
            ws.await("-ERR 'Authorization Violation'\r\n");
            assertEquals(1008, ws.awaitClose());
        }
    }

    @Test
    void shouldTimeOutAClientThatNeverSendsConnect() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> {
            o.username = "alice";
            o.password = "s3cret";
            o.authTimeout = Duration.ofMillis(300);
        }); JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("-ERR 'Authentication Timeout'\r\n");
            assertEquals(1008, ws.awaitClose());
        }
    }

    @Test
    void shouldApplyPublishAndSubscribePermissions() throws Exception {
        try (WsTestServer server = WsTestServer.start(WebSocketAuthTest::restrictedUser);
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(connect("bob", "pw") + "PUB denied.x 2\r\nno\r\nPING\r\n");
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("-ERR 'Permissions Violation for Publish to \"denied.x\"'\r\n"), got);

            ws.send("SUB secret.x 1\r\nPING\r\n");
            ws.await("-ERR 'Permissions Violation for Subscription to \"secret.x\"'\r\nPONG\r\n");

            ws.send("SUB allowed.> 2\r\nPUB allowed.y 2\r\nok\r\nPING\r\n");
            got = ws.await("MSG allowed.y 2 2\r\nok\r\nPONG\r\n");
            assertEquals(3, got.split("PONG\r\n", -1).length - 1, "the connection stayed usable: " + got);
        }
    }

    @Test
    void shouldApplyTheSamePermissionsToJnatsOverWebSocket() throws Exception {
        try (WsTestServer server = WsTestServer.start(WebSocketAuthTest::restrictedUser)) {
            Options bob = new Options.Builder().server("ws://127.0.0.1:" + server.wsPort())
                    .userInfo("bob", "pw").connectionTimeout(WAIT).noReconnect().build();
            Options wrong = new Options.Builder().server("ws://127.0.0.1:" + server.wsPort())
                    .userInfo("bob", "nope").connectionTimeout(WAIT).noReconnect().build();
            assertThrows(Exception.class, () -> Nats.connect(wrong).close());
            try (Connection nc = Nats.connect(bob)) {
                Subscription sub = nc.subscribe("allowed.>");
                nc.flush(WAIT);
                nc.publish("allowed.z", "yes".getBytes(StandardCharsets.UTF_8));
                Message m = sub.nextMessage(WAIT);
                assertNotNull(m);
                assertEquals("allowed.z", m.getSubject());
            }
        }
    }

    /** Users: "bob" may publish to allowed.> only and may not subscribe to secret.>. */
    private static void restrictedUser(ServerOptions o) {
        ServerOptions.User bob = new ServerOptions.User();
        bob.username = "bob";
        bob.password = "pw";
        bob.permissions = new ServerOptions.Permissions();
        bob.permissions.publishAllow.add("allowed.>");
        bob.permissions.subscribeDeny.add("secret.>");
        o.users.add(bob);
    }

    @Test
    void shouldRefuseAClientBeyondMaxConnectionsWithPolicyViolation() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.maxConnections = 1);
             JdkWsClient first = JdkWsClient.connect(server.wsUri())) {
            first.await("INFO ");
            try (JdkWsClient second = JdkWsClient.connect(server.wsUri())) {
                second.await("-ERR 'maximum connections exceeded'\r\n");
                assertEquals(1008, second.awaitClose());
            }
            first.send(CONNECT + "PING\r\n");
            first.await("PONG\r\n");
        }
    }

    @Test
    void shouldServeAnonymousClientsWhenNoAuthIsConfigured() throws Exception {
        try (WsTestServer server = WsTestServer.start(); JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            assertTrue(!ws.await("\r\n").contains("auth_required"), ws.received());
            ws.send(CONNECT + "PING\r\n");
            ws.await("PONG\r\n");
        }
    }
}
