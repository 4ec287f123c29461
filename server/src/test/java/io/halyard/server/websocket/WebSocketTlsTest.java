package io.halyard.server.websocket;

import static io.halyard.server.websocket.WebSocketMessagingTest.CONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wss://}: TLS from the first byte with {@code websocket { tls { } }}, using the test CA and
 * certificates under {@code src/test/resources/tls} (see the README there).
 */
@Timeout(60)
class WebSocketTlsTest {
    private static final char[] PASSWORD = "test-only".toCharArray();

    @Test
    void shouldServeWssToAClientThatTrustsTheCertificate() throws Exception {
        try (WsTestServer server = WsTestServer.start(tls(false));
             JdkWsClient ws = JdkWsClient.connect(server.wsUri(), Map.of(), clientContext(false))) {
            ws.await("INFO ");
            ws.send(CONNECT + "SUB s 1\r\nPUB s 6\r\nsecret\r\nPING\r\n");
            ws.await("MSG s 1 6\r\nsecret\r\n");
        }
    }

    @Test
    void shouldServeJnatsOverWss() throws Exception {
        try (WsTestServer server = WsTestServer.start(tls(false))) {
            Options o = new Options.Builder().server("wss://127.0.0.1:" + server.wsPort())
                    .sslContext(clientContext(false)).connectionTimeout(JdkWsClient.WAIT).noReconnect().build();
            try (Connection nc = Nats.connect(o)) {
                Subscription sub = nc.subscribe("tls.ws");
                nc.flush(JdkWsClient.WAIT);
                nc.publish("tls.ws", "hello".getBytes(StandardCharsets.UTF_8));
                Message m = sub.nextMessage(JdkWsClient.WAIT);
                assertNotNull(m);
                assertEquals("hello", new String(m.getData(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldRefuseAPlainWebSocketOnTheTlsPort() throws Exception {
        try (WsTestServer server = WsTestServer.start(tls(false))) {
            URI plain = URI.create("ws://127.0.0.1:" + server.wsPort() + "/");
            assertThrows(Exception.class, () -> JdkWsClient.connect(plain).close());
        }
    }

    @Test
    void shouldRequireAClientCertificateWhenVerifyIsOn() throws Exception {
        try (WsTestServer server = WsTestServer.start(tls(true))) {
            assertThrows(Exception.class,
                    () -> JdkWsClient.connect(server.wsUri(), Map.of(), clientContext(false)).close());
            try (JdkWsClient ws = JdkWsClient.connect(server.wsUri(), Map.of(), clientContext(true))) {
                ws.await("INFO ");
                ws.send(CONNECT + "PING\r\n");
                ws.await("PONG\r\n");
            }
        }
    }

    static Consumer<ServerOptions> tls(boolean verify) {
        return o -> {
            o.webSocket.noTls = false;
            o.webSocket.tls = new ServerOptions.Tls();
            o.webSocket.tls.certFile = resource("server-cert.pem");
            o.webSocket.tls.keyFile = resource("server-key.pem");
            o.webSocket.tls.caFile = resource("ca.pem");
            o.webSocket.tls.verify = verify;
        };
    }

    /** Trusts the test CA only; presents the test client certificate if asked to. */
    static SSLContext clientContext(boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            String pem = Files.readString(resource("client-key.pem"), StandardCharsets.US_ASCII);
            byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)),
                    PASSWORD, new Certificate[] {certificate("client-cert.pem"), certificate("ca.pem")});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static Certificate certificate(String name) throws Exception {
        try (InputStream in = Files.newInputStream(resource(name))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static Path resource(String name) {
        URL url = WebSocketTlsTest.class.getResource("/tls/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource tls/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
