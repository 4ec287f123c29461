package io.halyard.server.config;

import java.util.Set;

/**
 * The nats-server options Halyard knows by name but does not implement yet, per block. A config that
 * uses them still loads (each one adds a warning), so a nats-server config starts Halyard; a name that
 * nats-server itself does not know is an error, as in nats-server ({@code unknown field "x"}).
 *
 * <p>The names come from nats-server's {@code server/opts.go} (the {@code case} labels of the
 * functions that read each block). When Halyard implements an option, its name moves from here to the
 * {@link ConfigLoader}.
 *
 * <p>Thread-safe: constants.
 */
final class RecognisedOptions {

    /** Top-level options. */
    static final Set<String> TOP_LEVEL = Set.of(
            "client_advertise", "logtime_utc", "disable_sublist_cache",
            "no_sublist_cache", "accounts", "default_sentinel", "https", "https_port", "http_base_path",
            "cluster", "gateway", "leaf", "leafnodes", "logfile_size_limit", "log_size_limit",
            "logfile_max_num", "log_max_num", "syslog", "remote_syslog", "prof_port", "prof_block_rate",
            "proxy_protocol", "max_traced_msg_len", "max_sub_tokens", "max_subscription_tokens", "ocsp",
            "allow_non_tls", "write_timeout", "operator", "operators", "roots", "root", "root_operators",
            "root_operator", "resolver", "account_resolver", "accounts_resolver", "resolver_tls",
            "resolver_preload", "resolver_pinned_accounts", "system_account", "system",
            "no_system_account", "no_system", "no_sys_acc", "no_header_support", "trusted",
            "trusted_keys", "connect_error_reports", "reconnect_error_reports", "mqtt", "server_tags",
            "server_metadata", "feature_flags", "default_js_domain", "ocsp_cache",
            "no_fast_producer_stall", "max_closed_clients", "proxies");

    /** Inside {@code authorization { }}. */
    static final Set<String> AUTHORIZATION = Set.of("auth_callout", "auth_hook", "proxy_required");

    /** Inside an entry of {@code authorization { users = [ ... ] }}. */
    static final Set<String> USER = Set.of(
            "allowed_connection_types", "connection_types", "clients", "proxy_required");

    /** Inside a {@code tls { }} block. */
    static final Set<String> TLS = Set.of(
            "insecure", "verify_cert_and_check_known_urls", "allow_insecure_cipher_suites",
            "cipher_suites", "curve_preferences", "connection_rate_limit", "pinned_certs", "cert_store",
            "cert_match_by", "cert_match", "ca_certs_match", "handshake_first", "first", "immediate",
            "cert_match_skip_invalid", "ocsp_peer", "certs", "certificates", "min_version");

    /** Inside {@code websocket { }}. */
    static final Set<String> WEBSOCKET = Set.of(
            "advertise", "same_origin", "allowed_origins", "allowed_origin", "allow_origins",
            "allow_origin", "origins", "origin", "handshake_timeout", "authorization", "authentication",
            "jwt_cookie", "user_cookie", "pass_cookie", "token_cookie", "no_auth_user", "headers",
            "ping_interval");

    /** Inside {@code jetstream { }}. */
    static final Set<String> JETSTREAM = Set.of(
            "strict", "domain", "key", "ek", "encryption_key", "prev_key",
            "prev_ek", "prev_encryption_key", "cipher", "extension_hint", "limits", "tpm", "unique_tag",
            "max_outstanding_catchup", "max_buffered_size", "max_buffered_msgs", "request_queue_limit",
            "info_queue_limit", "meta_compact", "meta_compact_size", "meta_compact_sync",
            "max_concurrent_io");

    private RecognisedOptions() {
    }

    /** The warning for a recognised but unsupported option. */
    static String warning(ConfField f) {
        return f.keyPosition() + ": option \"" + f.path() + "\" is recognised but not supported by Halyard"
                + " yet; ignored";
    }
}
