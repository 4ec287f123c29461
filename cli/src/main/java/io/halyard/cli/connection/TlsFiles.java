package io.halyard.cli.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds an {@link SSLContext} from PEM files, as the NATS CLI's {@code --tlscert}, {@code --tlskey} and
 * {@code --tlsca} take them (jnats itself reads only Java key stores).
 *
 * <p>Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}; RSA, EC or Ed25519) or PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}). Encrypted keys and SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) are
 * refused with the {@code openssl} command that converts them.
 */
public final class TlsFiles {

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");
    private static final char[] KEY_PASSWORD = "halyard-cli".toCharArray();

    private TlsFiles() {
    }

    /**
     * @param certFile the client certificate (chain), or null for none
     * @param keyFile its private key; required with {@code certFile}
     * @param caFile the certificate authorities to trust, or null for the JVM's default trust store
     */
    public static SSLContext context(Path certFile, Path keyFile, Path caFile) throws IOException, GeneralSecurityException {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--tlscert and --tlskey go together: give both or neither");
        }
        TrustManagerFactory tmf = null;
        if (caFile != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(caFile)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        KeyManagerFactory kmf = null;
        if (certFile != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(keyFile), KEY_PASSWORD,
                    certificates(certFile).toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, KEY_PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }

    static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> found;
        try (InputStream in = Files.newInputStream(file)) {
            found = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + file);
        }
        return new ArrayList<>(found);
    }

    static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher block = PEM_BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            String type = block.group(1);
            byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1Rsa(der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("the key in " + file + " is encrypted; decrypt it with"
                            + " 'openssl pkcs8 -in KEY -out KEY.plain' (the NATS CLI does not take encrypted keys either)");
                case "EC PRIVATE KEY":
                    throw new IllegalArgumentException("the key in " + file + " is a SEC1 EC key; convert it with"
                            + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
                default:
                    // Other blocks (EC PARAMETERS, certificates bundled with the key) are skipped.
            }
        }
        throw new IllegalArgumentException("no private key in " + file);
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm; try the next
            }
        }
        throw new IllegalArgumentException("the key in " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /**
     * Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo, which is all the JDK reads:
     * {@code SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING { pkcs1 } }}.
     */
    static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] octets = derElement(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return derElement(0x30, body.toByteArray());
    }

    private static byte[] derElement(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
