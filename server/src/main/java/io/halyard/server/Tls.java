package io.halyard.server;

import io.halyard.server.config.ServerOptions;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;

/** Builds the server's TLS context from {@code tls { cert_file, key_file, ca_file, verify }}. */
public final class Tls {
    private Tls() {
    }

    public static SslContext serverContext(ServerOptions.Tls tls) {
        if (tls.certFile == null || tls.keyFile == null) {
            throw new IllegalArgumentException("tls: cert_file and key_file are both required");
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.certFile.toFile(), tls.keyFile.toFile());
            if (tls.caFile != null) {
                b.trustManager(tls.caFile.toFile());
            }
            b.clientAuth(tls.verify ? ClientAuth.REQUIRE : ClientAuth.NONE);
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls: cannot load certificate or key: " + e.getMessage(), e);
        }
    }
}
