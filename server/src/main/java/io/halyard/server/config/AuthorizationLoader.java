package io.halyard.server.config;

import io.halyard.core.subject.Subjects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code authorization { }}: a single user, a token, or a {@code users} array, each user with
 * optional {@code permissions}, plus default permissions and the auth timeout.
 *
 * <pre>
 * authorization {
 *   timeout: 2                         # seconds (int or float) or "2s"
 *   permissions { publish: "public.>" } # default for users without their own
 *   users = [
 *     {user: alice, password: $ALICE_PASS,
 *      permissions: {publish: {allow: ["orders.*"], deny: "orders.secret"},
 *                    subscribe: ["_INBOX.>", "orders.* workers"],   # "subject queue" is allowed
 *                    allow_responses: true}}
 *   ]
 * }
 * </pre>
 * Rules kept from nats-server's {@code parseAuthorization}, {@code parseUsers} and
 * {@code parseUserPermissions}: {@code user}/{@code pass} cannot be combined with {@code token} nor
 * with {@code users}; user names are unique; {@code publish}/{@code subscribe} take a subject, an
 * array, or a map of {@code allow}/{@code deny}; {@code allow_responses} takes a boolean or
 * {@code {max, expires}} (defaults 1 response within 2 minutes); permission subjects must be valid.
 *
 * <p>Not thread-safe: used by one {@link ConfigLoader}.
 */
final class AuthorizationLoader {

    /** nats-server's {@code DEFAULT_ALLOW_RESPONSE_EXPIRATION}. */
    static final Duration DEFAULT_RESPONSE_EXPIRATION = Duration.ofMinutes(2);
    private static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(2);

    private final List<String> warnings;
    private boolean timeoutSet;
    private boolean usersDefined;

    AuthorizationLoader(List<String> warnings) {
        this.warnings = warnings;
    }

    /** Whether the last block read had a (non-zero) {@code timeout}. */
    boolean timeoutSet() {
        return timeoutSet;
    }

    /** Whether the last block read had a {@code users} array, even an empty one. */
    boolean usersDefined() {
        return usersDefined;
    }

    void load(ConfField f, ServerOptions options) {
        String user = null;
        String password = null;
        String token = null;
        Duration timeout = Duration.ZERO;
        List<ServerOptions.User> users = null;
        ServerOptions.Permissions defaults = null;
        for (ConfEntry e : f.map().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "user":
                case "username": user = g.string(); break;
                case "pass":
                case "password": password = g.string(); break;
                case "token": token = g.string(); break;
                case "timeout": timeout = g.seconds(warnings); break;
                case "users": users = users(g); break;
                case "default_permission":
                case "default_permissions":
                case "permissions": defaults = permissions(g); break;
                default: ConfigLoader.unsupportedOrUnknown(g, RecognisedOptions.AUTHORIZATION, warnings);
            }
        }
        if ((user != null || password != null) && token != null) {
            throw new ConfigException(f.keyPosition(), "Cannot have a user/pass and token");
        }
        if (users != null && user != null) {
            throw new ConfigException(f.keyPosition(), "Can not have a single user/pass and a users array");
        }
        if (users != null && token != null) {
            throw new ConfigException(f.keyPosition(), "Can not have a token and a users array");
        }
        options.username = user;
        options.password = password;
        options.token = token;
        // nats-server: a zero timeout means "not set", i.e. the default.
        timeoutSet = !timeout.isZero();
        options.authTimeout = timeoutSet ? timeout : DEFAULT_AUTH_TIMEOUT;
        usersDefined = users != null;
        options.users.clear();
        if (users != null) {
            options.users.addAll(users);
        }
        options.defaultPermissions = defaults;
    }

    private List<ServerOptions.User> users(ConfField f) {
        if (!f.value().is(ConfValue.Kind.ARRAY)) {
            throw f.fail("expected users field to be an array, got " + f.value().describe());
        }
        List<ServerOptions.User> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfValue v : f.value().asList()) {
            if (!v.is(ConfValue.Kind.MAP)) {
                throw new ConfigException(v.position(), f.path() + ": expected user entry to be a map/struct, got "
                        + v.describe());
            }
            ServerOptions.User u = user(f.path(), v);
            if (u == null) {
                continue;
            }
            if (!names.add(u.username)) {
                throw new ConfigException(v.position(), "Duplicate user \"" + u.username + "\" detected");
            }
            users.add(u);
        }
        return users;
    }

    /** One entry of {@code users}; {@code null} for an nkey user, which Halyard skips with a warning. */
    private ServerOptions.User user(String section, ConfValue entry) {
        ServerOptions.User u = new ServerOptions.User();
        String nkey = null;
        for (ConfEntry e : entry.asMap().entries()) {
            ConfField g = new ConfField(section, e);
            switch (g.name()) {
                case "user":
                case "username": u.username = g.string(); break;
                case "pass":
                case "password": u.password = g.string(); break;
                case "permission":
                case "permissions":
                case "authorization": u.permissions = permissions(g); break;
                case "nkey": nkey = g.string(); break;
                default: ConfigLoader.unsupportedOrUnknown(g, RecognisedOptions.USER, warnings);
            }
        }
        if (nkey != null) {
            if (u.username != null || u.password != null) {
                throw new ConfigException(entry.position(), "Nkey users do not take usernames or passwords");
            }
            warnings.add(entry.position() + ": nkey user \"" + nkey + "\" ignored: Halyard does not support"
                    + " nkey authentication yet");
            return null;
        }
        if (u.username == null || u.username.isEmpty()) {
            throw new ConfigException(entry.position(), "User entry requires a user");
        }
        return u;
    }

    private ServerOptions.Permissions permissions(ConfField f) {
        if (!f.value().is(ConfValue.Kind.MAP)) {
            throw f.fail("expected permissions to be a map/struct, got " + f.value().describe());
        }
        ServerOptions.Permissions p = new ServerOptions.Permissions();
        for (ConfEntry e : f.value().asMap().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "pub":
                case "publish":
                case "import":
                    subjectPermission(g, false, p.publishAllow, p.publishDeny);
                    break;
                case "sub":
                case "subscribe":
                case "export":
                    subjectPermission(g, true, p.subscribeAllow, p.subscribeDeny);
                    break;
                case "publish_allow_responses":
                case "allow_responses":
                    allowResponses(g, p);
                    break;
                default:
                    if (!g.value().isUsedAsVariable()) {
                        throw new ConfigException(g.keyPosition(),
                                "Unknown field \"" + e.key() + "\" parsing permissions");
                    }
            }
        }
        return p;
    }

    /** {@code "subj"}, {@code ["a", "b"]} (allow only), or {@code {allow: ..., deny: ...}}. */
    private static void subjectPermission(ConfField f, boolean queueAllowed, List<String> allow,
            List<String> deny) {
        allow.clear();
        deny.clear();
        if (!f.value().is(ConfValue.Kind.MAP)) {
            allow.addAll(subjects(f, queueAllowed));
            return;
        }
        for (ConfEntry e : f.value().asMap().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "allow": allow.addAll(subjects(g, queueAllowed)); break;
                case "deny": deny.addAll(subjects(g, queueAllowed)); break;
                default:
                    if (!g.value().isUsedAsVariable()) {
                        throw new ConfigException(g.keyPosition(), "Unknown field name \"" + e.key()
                                + "\" parsing subject permissions, only 'allow' or 'deny' are permitted");
                    }
            }
        }
    }

    private static List<String> subjects(ConfField f, boolean queueAllowed) {
        List<String> subjects = f.strings();
        for (String s : subjects) {
            String problem = subjectProblem(s, queueAllowed);
            if (problem != null) {
                throw f.fail(problem);
            }
        }
        return subjects;
    }

    /**
     * Why {@code s} is not a valid permission subject, or {@code null}. Subscribe permissions may be
     * {@code "subject queue"} (nats-server's {@code checkPermSubjectArray}).
     */
    static String subjectProblem(String s, boolean queueAllowed) {
        if (isValidSubject(s)) {
            return null;
        }
        String[] parts = s.trim().split("\\s+");
        if (!queueAllowed || parts.length != 2) {
            return "subject \"" + s + "\" is not a valid subject";
        }
        if (!isValidSubject(parts[0])) {
            return "subject \"" + parts[0] + "\" is not a valid subject";
        }
        if (!isValidSubject(parts[1])) {
            return "queue \"" + parts[1] + "\" is not a valid queue";
        }
        return null;
    }

    /** nats-server's {@code IsValidSubject}: non-empty tokens, no white space, '>' only last. */
    static boolean isValidSubject(String s) {
        return Subjects.isValidFilter(s);
    }

    private static void allowResponses(ConfField f, ServerOptions.Permissions p) {
        p.allowResponsesMax = 1;
        p.allowResponsesExpires = DEFAULT_RESPONSE_EXPIRATION;
        if (f.value().is(ConfValue.Kind.BOOLEAN)) {
            p.allowResponses = f.bool();
            return;
        }
        if (!f.value().is(ConfValue.Kind.MAP)) {
            throw f.fail("error parsing response permissions, expected a boolean or a map");
        }
        p.allowResponses = true;
        for (ConfEntry e : f.value().asMap().entries()) {
            ConfField g = new ConfField(f.path(), e);
            switch (g.name()) {
                case "max":
                case "max_msgs":
                case "max_messages":
                case "max_responses": {
                    // 0 means the default; negative means no limit.
                    int max = g.intValue();
                    p.allowResponsesMax = max == 0 ? 1 : max;
                    break;
                }
                case "expires":
                case "expiration":
                case "ttl": {
                    Duration d = g.duration();
                    p.allowResponsesExpires = d.isZero() ? DEFAULT_RESPONSE_EXPIRATION : d;
                    break;
                }
                default:
                    if (!g.value().isUsedAsVariable()) {
                        throw new ConfigException(g.keyPosition(),
                                "Unknown field \"" + e.key() + "\" parsing permissions");
                    }
            }
        }
    }
}
