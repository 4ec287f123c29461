package io.halyard.server.config;

import static io.halyard.server.config.ConfigLoaderTest.error;
import static io.halyard.server.config.ConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizationLoaderTest {

    private static ServerOptions.Permissions defaults(String permissions) {
        return load("authorization { permissions " + permissions + " }").defaultPermissions;
    }

    @Test
    void shouldReadASingleUserAndTimeout() {
        ServerOptions o = load("authorization {\n  user: derek\n  password: \"s3cr3t!\"\n  timeout: 0.5\n}");
        assertEquals("derek", o.username);
        assertEquals("s3cr3t!", o.password);
        assertNull(o.token);
        assertEquals(Duration.ofMillis(500), o.authTimeout);
        ServerOptions aliases = load("authorization { username: a, pass: b, timeout: \"3s\" }");
        assertEquals("a", aliases.username);
        assertEquals("b", aliases.password);
        assertEquals(Duration.ofSeconds(3), aliases.authTimeout);
    }

    @Test
    void shouldReadATokenAndKeepBcryptHashes() {
        assertEquals("$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG",
                load("authorization { token: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }").token);
    }

    @Test
    void shouldWarnAboutAHighTimeoutLikeNatsServer() {
        ServerOptions o = load("authorization { timeout: 1m }");
        assertEquals(Duration.ofSeconds(1_000_000), o.authTimeout);
        assertEquals(1, o.warnings.size());
        assertTrue(o.warnings.get(0).contains("use '1m' instead of 1m"), o.warnings.get(0));
    }

    @Test
    void shouldReadUsersWithEveryPermissionForm() {
        ServerOptions o = load(String.join("\n",
                "authorization {",
                "  default_permissions = { publish = \"SANDBOX.*\" }",
                "  users = [",
                "    {user: alice, password: a, permissions: {",
                "       publish: {allow: [\"orders.*\", \"_INBOX.>\"], deny: \"orders.secret\"}",
                "       subscribe: [\"orders.>\", \"work.* workers\"]",
                "       allow_responses: true}}",
                "    {user: bob, password: b, permission: {pub: \"b.>\", sub: {deny: [\"x\"]}}}",
                "    {user: carol, password: c}",
                "  ]",
                "}"));
        assertEquals(List.of("SANDBOX.*"), o.defaultPermissions.publishAllow);
        assertEquals(3, o.users.size());
        ServerOptions.User alice = o.users.get(0);
        assertEquals("alice", alice.username);
        assertEquals(List.of("orders.*", "_INBOX.>"), alice.permissions.publishAllow);
        assertEquals(List.of("orders.secret"), alice.permissions.publishDeny);
        assertEquals(List.of("orders.>", "work.* workers"), alice.permissions.subscribeAllow);
        assertTrue(alice.permissions.allowResponses);
        assertEquals(1, alice.permissions.allowResponsesMax);
        assertEquals(Duration.ofMinutes(2), alice.permissions.allowResponsesExpires);
        ServerOptions.User bob = o.users.get(1);
        assertEquals(List.of("b.>"), bob.permissions.publishAllow);
        assertEquals(List.of("x"), bob.permissions.subscribeDeny);
        assertTrue(bob.permissions.subscribeAllow.isEmpty());
        assertFalse(bob.permissions.allowResponses);
        assertNull(o.users.get(2).permissions, "users without permissions get the defaults at run time");
    }

    @Test
    void shouldReadAllowResponsesAsAMap() {
        ServerOptions.Permissions p = defaults("{ allow_responses: { max: 5, expires: \"1m\" } }");
        assertTrue(p.allowResponses);
        assertEquals(5, p.allowResponsesMax);
        assertEquals(Duration.ofMinutes(1), p.allowResponsesExpires);
        ServerOptions.Permissions zeros = defaults("{ publish_allow_responses: { max_msgs: 0, ttl: \"0s\" } }");
        assertEquals(1, zeros.allowResponsesMax);
        assertEquals(Duration.ofMinutes(2), zeros.allowResponsesExpires);
        assertEquals(-1, defaults("{ allow_responses: { max_responses: -1 } }").allowResponsesMax);
    }

    @Test
    void shouldAcceptImportAndExportAsPublishAndSubscribe() {
        ServerOptions.Permissions p = defaults("{ import: \"a\", export: [\"b\"] }");
        assertEquals(List.of("a"), p.publishAllow);
        assertEquals(List.of("b"), p.subscribeAllow);
    }

    @Test
    void shouldResolveUserPasswordsFromVariables() {
        ServerOptions o = load("authorization {\n  ALICE_PASS: pw\n"
                + "  users = [ {user: alice, password: $ALICE_PASS} ]\n}");
        assertEquals("pw", o.users.get(0).password);
        assertTrue(o.warnings.isEmpty());
    }

    @Test
    void shouldRejectCombinationsNatsServerRejects() {
        assertEquals("<string>:1:1: Cannot have a user/pass and token",
                error("authorization { user: a, password: b, token: c }"));
        assertEquals("<string>:1:1: Can not have a single user/pass and a users array",
                error("authorization { user: a, users: [] }"));
        assertEquals("<string>:1:1: Can not have a token and a users array",
                error("authorization { token: a, users: [{user: b}] }"));
        assertEquals("<string>:1:36: Duplicate user \"a\" detected",
                error("authorization { users: [{user: a}, {user: a}] }"));
        assertEquals("<string>:1:25: User entry requires a user",
                error("authorization { users: [{password: a}] }"));
    }

    @Test
    void shouldReportPermissionMistakesAtTheirKey() {
        assertEquals("<string>:4:5: Unknown field \"inboxes\" parsing permissions",
                error("authorization {\n  permissions {\n    subscribe = {}\n    inboxes = {}\n  }\n}"));
        assertEquals("<string>:1:41: Unknown field name \"denied\" parsing subject permissions,"
                        + " only 'allow' or 'deny' are permitted",
                error("authorization { permissions { publish { denied: x } } }"));
        assertEquals("<string>:1:41: authorization.permissions.publish.allow: subject \"foo..bar\" is not a valid"
                + " subject", error("authorization { permissions { publish { allow: \"foo..bar\" } } }"));
        assertEquals("<string>:1:31: authorization.permissions.publish: subject \"a b\" is not a valid subject",
                error("authorization { permissions { publish: \"a b\" } }"));
        assertEquals("<string>:1:31: authorization.permissions.subscribe: queue \"q.\" is not a valid queue",
                error("authorization { permissions { subscribe: \"a q.\" } }"));
        assertEquals("<string>:1:17: authorization.permissions: expected permissions to be a map/struct,"
                + " got boolean false", error("authorization { permissions: false }"));
        assertEquals("<string>:1:31: authorization.permissions.allow_responses: error parsing response"
                + " permissions, expected a boolean or a map",
                error("authorization { permissions { allow_responses: 1 } }"));
        assertEquals("<string>:1:44: authorization.permissions.publish: expected strings in the array, got"
                + " boolean false", error("authorization { permissions { publish: [a, false] } }"));
    }

    @Test
    void shouldRejectUnknownFieldsOfAUser() {
        assertEquals("<string>:1:44: unknown field \"token\"",
                error("authorization { users: [{user: a, pass: b, token: c}] }"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auth_callout { issuer: x }", "proxy_required: true"})
    void shouldWarnAboutUnsupportedAuthorizationOptions(String option) {
        assertEquals(1, load("authorization { " + option + " }").warnings.size());
    }

    @Test
    void shouldSkipNkeyUsersWithAWarning() {
        ServerOptions o = load("authorization { users: ["
                + "{nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4},"
                + " {user: a, allowed_connection_types: [STANDARD]}] }");
        assertEquals(1, o.users.size());
        assertEquals(2, o.warnings.size());
    }

    @Test
    void shouldCheckThatNoAuthUserIsAConfiguredUser() {
        assertEquals("a", load("no_auth_user: a\nauthorization { users: [{user: a}] }").noAuthUser);
        assertEquals("<string>:1:1: no_auth_user: \"b\" not present as user in authorization block",
                error("no_auth_user: b\nauthorization { users: [{user: a}] }"));
        assertEquals("<string>:1:1: no_auth_user: \"b\" present, but users are not defined", error("no_auth_user: b"));
    }
}
