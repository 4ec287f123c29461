package io.halyard.cli.server;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Details;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.ServerInfo;
import io.nats.client.support.JsonValue;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code halyard server info}: the server this connection reached — its INFO, the round trip, and this
 * account's JetStream usage. (The NATS CLI's {@code server info} asks the system account for
 * {@code /varz}; Halyard has no system account yet, so this shows what any client may see.)
 *
 * <p>{@code --json}: {@code {url, rtt_ns, info: {…the INFO fields jnats reads…}, jetstream: <account info
 * response> | null}}.
 */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the server's INFO, the round trip and JetStream usage.")
public final class ServerInfoCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            ServerInfo info = nc.getServerInfo();
            Duration rtt = nc.RTT();
            AccountStatistics account = null;
            String jetStreamError = null;
            if (info.isJetStreamAvailable()) {
                try {
                    account = connection.jetStreamManagement(nc).getAccountStatistics();
                } catch (JetStreamApiException e) {
                    jetStreamError = e.getErrorDescription();
                }
            }
            if (output.json()) {
                output.printJson(Json.object().put("url", nc.getConnectedUrl()).put("rtt_ns", rtt.toNanos())
                        .put("info", infoJson(info)).put("jetstream", account == null ? JsonValue.NULL : Json.reply(account.getJv()))
                        .build());
                return 0;
            }
            Details d = new Details()
                    .heading("Server " + (info.getServerName() == null || info.getServerName().equals(info.getServerId()) ? info.getServerId()
                            : info.getServerName() + " (" + info.getServerId() + ")") + " at " + nc.getConnectedUrl());
            d.section("Server")
                    .add("Version", info.getVersion())
                    .add("Runtime", info.getGoVersion())
                    .add("Listening On", info.getHost() + ":" + info.getPort())
                    .add("Protocol", info.getProtocolVersion())
                    .add("Maximum Payload", ByteSizes.format(info.getMaxPayload()))
                    .add("Headers", info.isHeadersSupported())
                    .add("Authentication Required", info.isAuthRequired())
                    .add("TLS Required", info.isTLSRequired())
                    .add("JetStream", info.isJetStreamAvailable())
                    .add("Cluster", info.getCluster())
                    .add("Connect URLs", info.getConnectURLs().isEmpty() ? null : String.join(", ", info.getConnectURLs()))
                    .add("Lame Duck Mode", info.isLameDuckMode() ? "true" : null)
                    .section("This Connection")
                    .add("Client ID", info.getClientId())
                    .add("Client IP", info.getClientIp())
                    .add("Round Trip", Durations.format(rtt));
            if (account != null) {
                d.section("JetStream (this account)")
                        .add("Domain", account.getDomain())
                        .add("Streams", limit(account.getStreams(), account.getLimits().getMaxStreams(), false))
                        .add("Consumers", limit(account.getConsumers(), account.getLimits().getMaxConsumers(), false))
                        .add("File Storage", limit(account.getStorage(), account.getLimits().getMaxStorage(), true))
                        .add("Memory Storage", limit(account.getMemory(), account.getLimits().getMaxMemory(), true))
                        .add("API Requests", account.getApi() == null ? null : String.format("%,d, %,d errors",
                                account.getApi().getTotalApiRequests(), account.getApi().getErrorCount()));
            } else if (jetStreamError != null) {
                d.section("JetStream (this account)").add("Error", jetStreamError);
            }
            d.print(output.out());
        }
        return 0;
    }

    static JsonValue infoJson(ServerInfo i) {
        return Json.object().put("server_id", i.getServerId()).put("server_name", i.getServerName())
                .put("version", i.getVersion()).put("go", i.getGoVersion()).put("host", i.getHost())
                .put("port", i.getPort()).put("proto", i.getProtocolVersion()).put("headers", i.isHeadersSupported())
                .put("auth_required", i.isAuthRequired()).put("tls_required", i.isTLSRequired())
                .put("tls_available", i.isTLSAvailable()).put("max_payload", i.getMaxPayload())
                .put("jetstream", i.isJetStreamAvailable()).put("client_id", i.getClientId())
                .put("client_ip", i.getClientIp()).put("cluster", i.getCluster())
                .put("connect_urls", i.getConnectURLs().isEmpty() ? null : i.getConnectURLs())
                .put("ldm", i.isLameDuckMode() ? Boolean.TRUE : null).build();
    }

    private static String limit(long used, long max, boolean bytes) {
        String u = bytes ? ByteSizes.format(used) : String.format("%,d", used);
        if (max <= 0) {
            return u + " (no limit)";
        }
        return u + " of " + (bytes ? ByteSizes.format(max) : String.format("%,d", max));
    }
}
