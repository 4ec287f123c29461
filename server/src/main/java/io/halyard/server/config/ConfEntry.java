package io.halyard.server.config;

/**
 * One {@code key = value} of a map or of the top level of a config file.
 *
 * @param key         the key exactly as written (quotes removed); option names are matched
 *                    case-insensitively by the {@link ConfigLoader}, variables case-sensitively
 * @param keyPosition where the key starts
 * @param value       the value
 */
public record ConfEntry(String key, ConfPosition keyPosition, ConfValue value) {
}
