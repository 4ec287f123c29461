package io.halyard.core.auth;

/** What a client presented in CONNECT; any field may be {@code null}. */
public record Credentials(String user, String password, String token) {
    public boolean isEmpty() {
        return user == null && password == null && token == null;
    }
}
