package io.halyard.cli.jetstream;

import io.halyard.cli.format.CommandFailure;
import io.nats.client.support.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A configuration file given with {@code --config} ({@code stream add}, {@code consumer add}): nats-server's
 * JSON for the configuration, read as UTF-8. JSON that does not parse is a command failure that names the
 * file; a file that cannot be read fails as any I/O does.
 */
final class JsonConfigFile {

    /** Parses a configuration from JSON text, as jnats' builders do. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String json) throws JsonParseException;
    }

    private JsonConfigFile() {
    }

    static <T> T read(Path file, Parser<T> parser) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parser.parse(json);
        } catch (JsonParseException e) {
            throw new CommandFailure(file + " is not valid JSON: " + e.getMessage());
        }
    }
}
