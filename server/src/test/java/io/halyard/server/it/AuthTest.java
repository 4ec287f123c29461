package io.halyard.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.halyard.server.config.ServerOptions;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication (token, user/password in plain text and bcrypt, a users list) and authorization
 * (publish/subscribe allow and deny lists), seen through jnats and through raw sockets. The error texts
 * and the way jnats surfaces them are those nats-server produces.
 */
// "try": jnats' Connection.close() declares InterruptedException, which javac's lint flags on every
// try-with-resources; closing a connection at the end of a test is exactly what we want.
@SuppressWarnings("try")
@Timeout(60)
class AuthTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String AUTH_VIOLATION = "Authorization Violation";

    // --- token ----------------------------------------------------------------------------------

    @Test
    void shouldAcceptAClientWithTheRightToken() throws Exception {
        try (var server = TestServers.start(o -> o.token = "s3cret");
             Connection nc = server.connect(b -> b.token("s3cret".toCharArray()))) {
            assertPubSubWorks(nc, "token.ok");
        }
    }

    @Test
    void shouldRefuseAClientWithAWrongToken() throws Exception {
        try (var server = TestServers.start(o -> o.token = "s3cret")) {
            assertAuthorizationViolation(server, b -> b.token("wrong".toCharArray()));
        }
    }

    @Test
    void shouldRefuseAClientWithoutCredentialsWhenATokenIsRequired() throws Exception {
        try (var server = TestServers.start(o -> o.token = "s3cret")) {
            assertAuthorizationViolation(server, b -> { });
        }
    }

    // --- user and password ----------------------------------------------------------------------

    @Test
    void shouldAcceptTheRightUserAndPassword() throws Exception {
        try (var server = TestServers.start(AuthTest::aliceWithPlainPassword);
             Connection nc = server.connect(b -> b.userInfo("alice", "wonderland"))) {
            assertPubSubWorks(nc, "user.ok");
        }
    }

    @Test
    void shouldRefuseAWrongPassword() throws Exception {
        try (var server = TestServers.start(AuthTest::aliceWithPlainPassword)) {
            assertAuthorizationViolation(server, b -> b.userInfo("alice", "looking-glass"));
        }
    }

    @Test
    void shouldRefuseAnUnknownUser() throws Exception {
        try (var server = TestServers.start(AuthTest::aliceWithPlainPassword)) {
            assertAuthorizationViolation(server, b -> b.userInfo("bob", "wonderland"));
        }
    }

    @Test
    void shouldRefuseAClientWithoutCredentialsWhenAUserIsRequired() throws Exception {
        try (var server = TestServers.start(AuthTest::aliceWithPlainPassword)) {
            assertAuthorizationViolation(server, b -> { });
        }
    }

    @Test
    void shouldCheckABcryptPasswordHash() throws Exception {
        // Cost 4 keeps the test fast; nats-server accepts $2a$ hashes of any cost.
        String hash = BCrypt.withDefaults().hashToString(4, "wonderland".toCharArray());
        assertTrue(hash.startsWith("$2a$04$"), hash);
        try (var server = TestServers.start(o -> {
            o.username = "alice";
            o.password = hash;
        })) {
            try (Connection nc = server.connect(b -> b.userInfo("alice", "wonderland"))) {
                assertPubSubWorks(nc, "bcrypt.ok");
            }
            assertAuthorizationViolation(server, b -> b.userInfo("alice", "looking-glass"));
            // The hash itself is not a password.
            assertAuthorizationViolation(server, b -> b.userInfo("alice", hash));
        }
    }

    private static void aliceWithPlainPassword(ServerOptions o) {
        o.username = "alice";
        o.password = "wonderland";
    }

    /**
     * jnats surfaces {@code -ERR 'Authorization Violation'} during connect as an AuthenticationException
     * "Authentication error connecting to NATS server: Authorization Violation" (as against nats-server).
     * jnats only gives up when its connection timeout runs out (it waits for the PONG to its CONNECT even
     * after the -ERR), so the timeout is short here.
     */
    private static void assertAuthorizationViolation(TestServers.Running server, Consumer<Options.Builder> creds) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> server.connect(b -> {
            creds.accept(b);
            b.connectionTimeout(Duration.ofMillis(750));
        }).close());
        assertTrue(e.getMessage().contains(AUTH_VIOLATION), "message: " + e.getMessage());
    }

    // --- the protocol before and without CONNECT ------------------------------------------------

    @Test
    void shouldSendAuthenticationTimeoutToAClientThatNeverConnects() throws Exception {
        try (var server = TestServers.start(o -> {
            o.token = "s3cret";
            o.authTimeout = Duration.ofMillis(300);
        }); RawClient raw = server.rawClient()) {
            assertTrue(raw.info().contains("\"auth_required\":true"), raw.info());
            long start = System.nanoTime();
            raw.expectLine("-ERR 'Authentication Timeout'", Duration.ofSeconds(3));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            raw.expectClosed(WAIT);
            assertTrue(elapsedMillis >= 200 && elapsedMillis < 2_000,
                "timeout after " + elapsedMillis + " ms for an auth timeout of 300 ms");
        }
    }

    @Test
    void shouldCloseWithAuthorizationViolationWhenAnOperationComesBeforeConnect() throws Exception {
        try (var server = TestServers.start(o -> o.token = "s3cret"); RawClient raw = server.rawClient()) {
            raw.send("SUB foo 1\r\n");
            raw.expectLine("-ERR '" + AUTH_VIOLATION + "'");
            raw.expectClosed(WAIT);
        }
    }

    @Test
    void shouldCloseWithAuthorizationViolationOnAWrongTokenInConnect() throws Exception {
        try (var server = TestServers.start(o -> o.token = "s3cret"); RawClient raw = server.rawClient()) {
            raw.send("CONNECT {\"verbose\":false,\"auth_token\":\"nope\"}\r\nPING\r\n");
            raw.expectLine("-ERR '" + AUTH_VIOLATION + "'");
            raw.expectClosed(WAIT);
        }
    }

    // --- permissions ----------------------------------------------------------------------------

    /**
     * "limited" may publish anywhere but {@code secret.>} and subscribe anywhere but {@code secret.>} and
     * {@code news.secret}; "admin" may do anything.
     */
    private static void usersWithPermissions(ServerOptions o) {
        ServerOptions.User limited = new ServerOptions.User();
        limited.username = "limited";
        limited.password = "pw";
        limited.permissions = new ServerOptions.Permissions();
        limited.permissions.publishDeny.add("secret.>");
        limited.permissions.subscribeDeny.add("secret.>");
        limited.permissions.subscribeDeny.add("news.secret");
        o.users.add(limited);

        ServerOptions.User admin = new ServerOptions.User();
        admin.username = "admin";
        admin.password = "pw";
        o.users.add(admin);

        ServerOptions.User publisherOnly = new ServerOptions.User();
        publisherOnly.username = "reporter";
        publisherOnly.password = "pw";
        publisherOnly.permissions = new ServerOptions.Permissions();
        publisherOnly.permissions.publishAllow.add("news.>");
        publisherOnly.permissions.subscribeAllow.add("_INBOX.>");
        o.users.add(publisherOnly);
    }

    @Test
    void shouldReportAPublishPermissionViolationAndKeepTheConnection() throws Exception {
        RecordingErrorListener errors = new RecordingErrorListener();
        try (var server = TestServers.start(AuthTest::usersWithPermissions);
             Connection admin = server.connect(b -> b.userInfo("admin", "pw"));
             Connection nc = server.connect(b -> b.userInfo("limited", "pw").errorListener(errors))) {
            Subscription spy = admin.subscribe("secret.>");
            admin.flush(WAIT);

            nc.publish("secret.x", "leak".getBytes(StandardCharsets.UTF_8));
            assertEquals("Permissions Violation for Publish to \"secret.x\"", errors.next());

            assertPubSubWorks(nc, "public.after");
            assertEquals(Connection.Status.CONNECTED, nc.getStatus());
            assertEquals(null, spy.nextMessage(Duration.ofMillis(200)), "the denied message was not routed");
        }
    }

    @Test
    void shouldRefuseAPublishOutsideTheAllowList() throws Exception {
        RecordingErrorListener errors = new RecordingErrorListener();
        try (var server = TestServers.start(AuthTest::usersWithPermissions);
             Connection nc = server.connect(b -> b.userInfo("reporter", "pw").errorListener(errors))) {
            nc.publish("sports.x", null);
            assertEquals("Permissions Violation for Publish to \"sports.x\"", errors.next());
            nc.publish("news.x", null);
            nc.flush(WAIT);
            assertEquals(null, errors.poll(Duration.ofMillis(200)), "publishing inside the allow list is fine");
        }
    }

    @Test
    void shouldReportASubscribePermissionViolationAndKeepTheConnection() throws Exception {
        RecordingErrorListener errors = new RecordingErrorListener();
        try (var server = TestServers.start(AuthTest::usersWithPermissions);
             Connection nc = server.connect(b -> b.userInfo("limited", "pw").errorListener(errors))) {
            nc.subscribe("secret.>");
            nc.flush(WAIT);
            assertEquals("Permissions Violation for Subscription to \"secret.>\"", errors.next());
            assertPubSubWorks(nc, "public.after");
        }
    }

    @Test
    void shouldNameTheQueueInAQueueSubscribePermissionViolation() throws Exception {
        RecordingErrorListener errors = new RecordingErrorListener();
        try (var server = TestServers.start(AuthTest::usersWithPermissions);
             Connection nc = server.connect(b -> b.userInfo("limited", "pw").errorListener(errors))) {
            nc.subscribe("secret.>", "q");
            nc.flush(WAIT);
            assertEquals("Permissions Violation for Subscription to \"secret.>\" using queue \"q\"", errors.next());
            assertEquals(Connection.Status.CONNECTED, nc.getStatus());
        }
    }

    @Test
    void shouldNotDeliverADeniedSubjectThroughAnAllowedWildcardSubscription() throws Exception {
        RecordingErrorListener errors = new RecordingErrorListener();
        try (var server = TestServers.start(AuthTest::usersWithPermissions);
             Connection admin = server.connect(b -> b.userInfo("admin", "pw"));
             Connection nc = server.connect(b -> b.userInfo("limited", "pw").errorListener(errors))) {
            Subscription news = nc.subscribe("news.*");
            nc.flush(WAIT);
            for (String subject : List.of("news.public", "news.secret", "news.sports", "news.end")) {
                admin.publish(subject, null);
            }
            admin.flush(WAIT);

            List<String> received = new ArrayList<>();
            for (int i = 0; i < 4 && !received.contains("news.end"); i++) {
                Message msg = news.nextMessage(WAIT);
                assertNotNull(msg, "expected news.end; received so far " + received);
                received.add(msg.getSubject());
            }
            assertEquals(List.of("news.public", "news.sports", "news.end"), received);
            assertEquals(null, errors.poll(Duration.ofMillis(100)), "the wildcard subscription itself is allowed");
        }
    }

    private static void assertPubSubWorks(Connection nc, String subject) throws Exception {
        Subscription sub = nc.subscribe(subject);
        nc.flush(WAIT);
        nc.publish(subject, "ping".getBytes(StandardCharsets.UTF_8));
        Message msg = sub.nextMessage(WAIT);
        assertNotNull(msg, "pub/sub on " + subject);
        assertEquals("ping", new String(msg.getData(), StandardCharsets.UTF_8));
        sub.unsubscribe();
    }

    /** Collects the {@code -ERR} texts jnats hands to {@link ErrorListener#errorOccurred}. */
    static final class RecordingErrorListener implements ErrorListener {
        private final BlockingQueue<String> errors = new LinkedBlockingQueue<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            errors.add(error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
        }

        /** The next error, failing the test if none arrives within 5 s. */
        String next() throws InterruptedException {
            String error = poll(WAIT);
            assertNotNull(error, "expected an -ERR to reach the ErrorListener");
            return error;
        }

        String poll(Duration timeout) throws InterruptedException {
            return errors.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
