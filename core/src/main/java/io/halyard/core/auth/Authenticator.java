package io.halyard.core.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a CONNECT's credentials are accepted, and with which {@link Permissions}: no auth,
 * a single token, a single user/password, or a list of users — nats-server's static authorization
 * modes. Secrets may be plain text or bcrypt hashes ({@code $2a$…}, as {@code nats server passwd}
 * makes them).
 *
 * <p>Bcrypt is deliberately slow (tens of milliseconds) and runs on the connection's event loop, so a
 * successful verification is remembered (keyed by a SHA-256 of hash and secret) and a reconnecting
 * client does not stall its loop again.
 *
 * <p>Immutable apart from that cache; thread-safe.
 */
public final class Authenticator {
    /** No authentication required; everyone may do everything. */
    public static final Authenticator NONE = new Authenticator(null, null, Map.of(), null, null);

    /** A user entry: secret (plain or bcrypt) and permissions ({@code null} = unrestricted). */
    public record User(String name, String password, Permissions permissions) {
    }

    /** The outcome: accepted (with the user name and permissions) or not. */
    public record Result(boolean accepted, String user, Permissions permissions) {
        static final Result REJECTED = new Result(false, null, null);
    }

    /** Bound on the memory of verified bcrypt secrets. */
    private static final int MAX_VERIFIED = 10_000;

    private final String token;
    private final Permissions tokenPermissions;
    private final Map<String, User> users;
    private final String noAuthUser;
    private final Permissions defaultPermissions;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    private Authenticator(String token, Permissions tokenPermissions, Map<String, User> users,
                          String noAuthUser, Permissions defaultPermissions) {
        this.token = token;
        this.tokenPermissions = tokenPermissions;
        this.users = users;
        this.noAuthUser = noAuthUser;
        this.defaultPermissions = defaultPermissions;
    }

    /** Token authentication; {@code permissions} may be {@code null}. */
    public static Authenticator token(String token, Permissions permissions) {
        return new Authenticator(Objects.requireNonNull(token), permissions, Map.of(), null, null);
    }

    /**
     * User/password authentication with one or more users; users without their own permissions get
     * {@code defaultPermissions} (which may be {@code null}).
     */
    public static Authenticator users(List<User> users, String noAuthUser, Permissions defaultPermissions) {
        Map<String, User> byName = new LinkedHashMap<>();
        for (User u : users) {
            byName.put(u.name(), u);
        }
        if (noAuthUser != null && !byName.containsKey(noAuthUser)) {
            throw new IllegalArgumentException("no_auth_user \"" + noAuthUser + "\" is not a configured user");
        }
        return new Authenticator(null, null, Map.copyOf(byName), noAuthUser, defaultPermissions);
    }

    /**
     * Whether {@code name} is one of the configured users. A config reload closes a client that
     * presented a user name that is no longer configured, as nats-server does.
     */
    public boolean hasUser(String name) {
        return users.containsKey(name);
    }

    /**
     * Takes over what {@code previous} remembers of verified bcrypt secrets, so that checking every
     * connected client again after a config reload does not run bcrypt on the event loops once per
     * client. Safe: an entry names both the hash and the secret, so it stays true.
     */
    public void keepVerifiedSecrets(Authenticator previous) {
        if (previous != null && previous != this && required()) {
            for (String key : previous.verified.keySet()) {
                if (verified.size() >= MAX_VERIFIED) {
                    break;
                }
                verified.put(key, Boolean.TRUE);
            }
        }
    }

    /** Whether clients must authenticate (advertised as {@code auth_required} in INFO). */
    public boolean required() {
        return token != null || !users.isEmpty();
    }

    /** Checks the credentials of a CONNECT. */
    public Result authenticate(Credentials c) {
        if (!required()) {
            return new Result(true, null, null);
        }
        if (token != null) {
            return c.token() != null && secretMatches(token, c.token())
                    ? new Result(true, null, tokenPermissions) : Result.REJECTED;
        }
        if (c.isEmpty() && noAuthUser != null) {
            User u = users.get(noAuthUser);
            return new Result(true, u.name(), permissionsOf(u));
        }
        User u = c.user() == null ? null : users.get(c.user());
        if (u == null || c.password() == null || !secretMatches(u.password(), c.password())) {
            return Result.REJECTED;
        }
        return new Result(true, u.name(), permissionsOf(u));
    }

    private Permissions permissionsOf(User u) {
        return u.permissions() != null ? u.permissions() : defaultPermissions;
    }

    private boolean secretMatches(String configured, String presented) {
        if (!configured.startsWith("$2")) {
            return MessageDigest.isEqual(configured.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
        String key = cacheKey(configured, presented);
        if (verified.containsKey(key)) {
            return true;
        }
        boolean ok = BCrypt.verifyer().verify(presented.getBytes(StandardCharsets.UTF_8),
                configured.getBytes(StandardCharsets.UTF_8)).verified;
        if (ok && verified.size() < MAX_VERIFIED) {
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }

    private static String cacheKey(String hash, String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(hash.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
