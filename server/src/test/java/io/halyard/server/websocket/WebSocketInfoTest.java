package io.halyard.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The INFO a WebSocket client gets describes the websocket listener, as nats-server's does
 * (client.go, {@code generateClientInfoJSON}): its host and port, and {@code tls_required} and
 * {@code tls_available} from its own TLS — not the client port's.
 */
@Timeout(60)
class WebSocketInfoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON of the first INFO in {@code text}. */
    private static JsonNode info(String text) throws Exception {
        int start = text.indexOf("INFO ");
        int end = text.indexOf("\r\n", start);
        return JSON.readTree(text.substring(start + 5, end));
    }

    /** The INFO a plain TCP client of the client port gets. */
    private static JsonNode tcpInfo(WsTestServer server) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            while (line.indexOf("\r\n") < 0) {
                line.append((char) in.read());
            }
            return info(line.toString());
        }
    }

    @Test
    void shouldTellAWebSocketClientTheWebSocketListenersHostAndPort() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.webSocket.host = "0.0.0.0");
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            JsonNode info = info(ws.await("\r\n"));
            assertEquals("0.0.0.0", info.path("host").asText());
            assertEquals(server.wsPort(), info.path("port").asInt());
            assertFalse(info.has("tls_required"), info.toString());
            assertFalse(info.has("tls_available"), info.toString());

            JsonNode tcp = tcpInfo(server);
            assertEquals("127.0.0.1", tcp.path("host").asText());
            assertEquals(server.server.port(), tcp.path("port").asInt());
            assertEquals(info.path("server_id"), tcp.path("server_id"), "the rest is the server's");
        }
    }

    @Test
    void shouldRequireTlsOfAWebSocketClientOnlyWhenTheWebSocketListenerHasTls() throws Exception {
        try (WsTestServer server = WsTestServer.start(WebSocketTlsTest.tls(false));
             JdkWsClient ws = JdkWsClient.connect(server.wsUri(), Map.of(), WebSocketTlsTest.clientContext(false))) {
            JsonNode info = info(ws.await("\r\n"));
            assertTrue(info.path("tls_required").asBoolean(), info.toString());
            assertTrue(info.path("tls_available").asBoolean(), info.toString());
            assertEquals(server.wsPort(), info.path("port").asInt());
            assertFalse(tcpInfo(server).has("tls_required"), "the client port has no TLS");
        }
    }

    @Test
    void shouldNotAskAPlainWebSocketClientForTheClientPortsTls() throws Exception {
        try (WsTestServer server = WsTestServer.start(clientPortTls())) {
            assertTrue(tcpInfo(server).path("tls_required").asBoolean(), "the client port requires TLS");
            // jnats upgrades to TLS when INFO says tls_required; over plain ws:// it must not.
            Options o = new Options.Builder().server("ws://127.0.0.1:" + server.wsPort())
                    .connectionTimeout(JdkWsClient.WAIT).noReconnect().build();
            try (Connection nc = Nats.connect(o)) {
                assertEquals(server.wsPort(), nc.getServerInfo().getPort());
                assertFalse(nc.getServerInfo().isTLSRequired());
                nc.flush(JdkWsClient.WAIT);
            }
        }
    }

    /** A client port with TLS, from the test certificates. */
    private static Consumer<ServerOptions> clientPortTls() {
        return o -> {
            o.tls = new ServerOptions.Tls();
            o.tls.certFile = WebSocketTlsTest.resource("server-cert.pem");
            o.tls.keyFile = WebSocketTlsTest.resource("server-key.pem");
        };
    }
}
