package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerUrlTest {

    @Test
    void shouldDefaultThePortAndAcceptABareHost() {
        assertEquals(new ServerUrl("127.0.0.1", 4222, null, null, null), ServerUrl.parse("127.0.0.1"));
        assertEquals(new ServerUrl("localhost", 4333, null, null, null), ServerUrl.parse("localhost:4333"));
    }

    @Test
    void shouldReadUserAndPasswordOrToken() {
        assertEquals(new ServerUrl("h", 1, "bob", "s3cr+t:x", null), ServerUrl.parse("nats://bob:s3cr+t%3Ax@h:1"));
        assertEquals(new ServerUrl("h", 4222, null, null, "tok"), ServerUrl.parse("nats://tok@h"));
    }

    @Test
    void shouldNotPrintCredentials() {
        assertEquals("nats://h:1", ServerUrl.parse("nats://bob:pw@h:1").toString());
    }

    @Test
    void shouldRejectTlsAndOtherSchemes() {
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("tls://h:4222"));
        assertThrows(IllegalArgumentException.class, () -> ServerUrl.parse("http://h"));
    }

    @Test
    void shouldEscapeCredentialsInConnectJson() {
        String json = RawConnection.connectJson(ServerUrl.parse("nats://a%22b:p%5Cw@h:1"), "n");
        assertEquals("{\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,\"protocol\":1,"
                + "\"lang\":\"java-raw\",\"version\":\"0.1.0\",\"name\":\"n\",\"user\":\"a\\\"b\",\"pass\":\"p\\\\w\"}", json);
    }
}
