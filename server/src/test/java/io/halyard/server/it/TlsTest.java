package io.halyard.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS on the client port, with the test CA and certificates under {@code src/test/resources/tls} (see the
 * README there): server authentication, mutual TLS with {@code verify}, and refusal of plain text.
 */
// "try": jnats' Connection.close() declares InterruptedException, which javac's lint flags on every
// try-with-resources; closing a connection at the end of a test is exactly what we want.
@SuppressWarnings("try")
@Timeout(60)
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final char[] KEYSTORE_PASSWORD = "test-only".toCharArray();

    @Test
    void shouldServeAClientThatTrustsTheTestCa() throws Exception {
        try (var server = TestServers.start(tls(false))) {
            try (RawClient raw = server.rawClient()) {
                assertTrue(raw.info().contains("\"tls_required\":true"), "INFO advertises TLS: " + raw.info());
            }
            SSLContext trustingTestCa = clientContext(false);
            try (Connection nc = server.connect(b -> b.sslContext(trustingTestCa))) {
                assertPubSubWorks(nc);
            }
        }
    }

    @Test
    void shouldFailTheHandshakeForAClientThatDoesNotTrustTheServerCertificate() throws Exception {
        try (var server = TestServers.start(tls(false))) {
            SSLContext systemTrustOnly = SSLContext.getInstance("TLS");
            systemTrustOnly.init(null, null, null);
            assertThrows(IOException.class,
                () -> server.connect(b -> b.sslContext(systemTrustOnly)).close());
        }
    }

    @Test
    void shouldRequireAClientCertificateWhenVerifyIsOn() throws Exception {
        try (var server = TestServers.start(tls(true))) {
            try (RawClient raw = server.rawClient()) {
                assertTrue(raw.info().contains("\"tls_verify\":true"), "INFO advertises tls_verify: " + raw.info());
            }
            SSLContext withoutCertificate = clientContext(false);
            SSLContext withCertificate = clientContext(true);
            assertThrows(IOException.class,
                () -> server.connect(b -> b.sslContext(withoutCertificate).connectionTimeout(Duration.ofSeconds(2)))
                    .close(),
                "a client without a certificate is refused");
            try (Connection nc = server.connect(b -> b.sslContext(withCertificate))) {
                assertPubSubWorks(nc);
            }
        }
    }

    /**
     * jnats sees {@code tls_required} in INFO and gives up itself ("SSL required by server."); a raw
     * plain-text CONNECT is not a TLS ClientHello, so the server drops the connection.
     */
    @Test
    void shouldRefuseAPlainTextClient() throws Exception {
        try (var server = TestServers.start(tls(false))) {
            List<Exception> reported = new CopyOnWriteArrayList<>();
            ErrorListener recording = new TestServers.QuietErrorListener() {
                @Override
                public void exceptionOccurred(Connection conn, Exception exp) {
                    reported.add(exp);
                }
            };
            IOException e = assertThrows(IOException.class,
                () -> server.connect(b -> b.errorListener(recording)).close());
            assertTrue(e.getMessage().startsWith("Unable to connect to NATS servers"), "jnats: " + e);
            assertTrue(reported.stream().anyMatch(x -> String.valueOf(x.getMessage()).contains("SSL required by server")),
                "jnats reports why: " + reported);

            try (RawClient raw = server.rawClient()) {
                raw.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
                raw.expectClosed(WAIT);
            }
        }
    }

    private static Consumer<ServerOptions> tls(boolean verify) {
        return o -> {
            o.tls = new ServerOptions.Tls();
            o.tls.certFile = resource("server-cert.pem");
            o.tls.keyFile = resource("server-key.pem");
            o.tls.caFile = resource("ca.pem");
            o.tls.verify = verify;
        };
    }

    private static void assertPubSubWorks(Connection nc) throws Exception {
        Subscription sub = nc.subscribe("tls.hello");
        nc.flush(WAIT);
        nc.publish("tls.hello", "secure".getBytes(StandardCharsets.UTF_8));
        Message msg = sub.nextMessage(WAIT);
        assertNotNull(msg, "message over TLS");
        assertEquals("secure", new String(msg.getData(), StandardCharsets.UTF_8));
    }

    /** An SSLContext trusting only the test CA, presenting the test client certificate if asked to. */
    static SSLContext clientContext(boolean withClientCertificate) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("halyard-test-ca", certificate("ca.pem"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey("client-key.pem"), KEYSTORE_PASSWORD,
                new Certificate[] {certificate("client-cert.pem"), certificate("ca.pem")});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, KEYSTORE_PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static Certificate certificate(String name) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(resource(name))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** An unencrypted PKCS#8 RSA key ("BEGIN PRIVATE KEY"), as the README says the test keys are. */
    private static PrivateKey privateKey(String name) throws GeneralSecurityException, IOException {
        String pem = Files.readString(resource(name), StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    static Path resource(String name) {
        URL url = TlsTest.class.getResource("/tls/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource tls/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
