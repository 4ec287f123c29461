/**
 * The monitoring HTTP listener ({@code http_port} / {@code -m}): nats-server's JSON endpoints
 * ({@code /varz}, {@code /connz}, {@code /subsz}, {@code /jsz}, {@code /healthz}) with its field
 * names, and Prometheus {@code /metrics} through the official Java client. One class per endpoint;
 * {@link io.halyard.server.monitor.MonitorListener} owns the port and the {@code halyard-monitor}
 * thread every endpoint runs on. Reads the broker, JetStream and the log's fsync histogram; nothing
 * outside this package depends on it except {@code HalyardServer} and {@code Main}.
 */
package io.halyard.server.monitor;
