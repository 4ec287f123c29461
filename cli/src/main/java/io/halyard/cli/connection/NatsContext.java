package io.halyard.cli.connection;

import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A NATS CLI context: a named set of connection settings kept as JSON, so a context made with
 * {@code nats context save} works with {@code halyard --context NAME} unchanged.
 *
 * <p>Contexts live where the NATS CLI keeps them: {@code <config>/nats/context/<name>.json}, where
 * {@code <config>} is {@code $XDG_CONFIG_HOME} or else {@code ~/.config}; the selected context's name
 * is the first line of {@code <config>/nats/context.txt}. A context may also be given as the path of
 * a {@code .json} file. Of the NATS CLI's keys we read {@code url}, {@code user}, {@code password},
 * {@code token}, {@code creds}, {@code cert}, {@code key}, {@code ca}, {@code tls_first},
 * {@code inbox_prefix}, {@code jetstream_domain} and {@code jetstream_api_prefix}; the others are
 * ignored. A leading {@code ~} in a file path is the home directory.
 *
 * <p>Immutable.
 */
public record NatsContext(String name, String url, String user, String password, String token, String creds,
        String cert, String key, String ca, boolean tlsFirst, String inboxPrefix, String jsDomain,
        String jsApiPrefix) {

    /** No context: every setting unset. */
    public static final NatsContext NONE = new NatsContext(null, null, null, null, null, null, null, null, null,
            false, null, null, null);

    /** Where contexts are kept: the {@code nats} folder under the user's configuration directory. */
    public record Store(Path natsConfigDir, Path home) {

        /** The store the NATS CLI uses for this environment ({@code XDG_CONFIG_HOME}, {@code HOME}). */
        public static Store of(Map<String, String> env) {
            Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
            String xdg = env.get("XDG_CONFIG_HOME");
            Path config = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
            return new Store(config.resolve("nats"), home);
        }

        /**
         * The context to use: {@code nameOrFile} if given, else the one selected in
         * {@code context.txt}, else {@link #NONE}.
         *
         * @throws IllegalArgumentException when the named or selected context does not exist or is not valid JSON
         */
        public NatsContext resolve(String nameOrFile) throws IOException {
            if (nameOrFile != null && !nameOrFile.isBlank()) {
                return load(nameOrFile.trim());
            }
            Path selected = natsConfigDir.resolve("context.txt");
            if (!Files.isRegularFile(selected)) {
                return NONE;
            }
            String name = Files.readString(selected, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
            return name.isEmpty() ? NONE : load(name);
        }

        private NatsContext load(String nameOrFile) throws IOException {
            Path file;
            if (nameOrFile.endsWith(".json") && Files.isRegularFile(Path.of(nameOrFile))) {
                file = Path.of(nameOrFile);
            } else {
                if (nameOrFile.contains("/") || nameOrFile.contains("\\") || nameOrFile.contains("..")) {
                    throw new IllegalArgumentException("invalid context name '" + nameOrFile + "'");
                }
                file = natsConfigDir.resolve("context").resolve(nameOrFile + ".json");
            }
            String json;
            try {
                json = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("unknown context '" + nameOrFile + "' (no " + file + ")");
            }
            return parse(nameOrFile, json, home);
        }
    }

    /** Reads a context's JSON; paths starting with {@code ~/} are taken relative to {@code home}. */
    static NatsContext parse(String name, String json, Path home) {
        JsonValue root;
        try {
            root = JsonParser.parse(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("context '" + name + "' is not valid JSON: " + e.getMessage());
        }
        if (root.map == null) {
            throw new IllegalArgumentException("context '" + name + "' is not a JSON object");
        }
        Map<String, JsonValue> m = root.map;
        JsonValue tlsFirst = m.get("tls_first");
        return new NatsContext(name, text(m, "url"), text(m, "user"), text(m, "password"), text(m, "token"),
                path(text(m, "creds"), home), path(text(m, "cert"), home), path(text(m, "key"), home),
                path(text(m, "ca"), home), tlsFirst != null && Boolean.TRUE.equals(tlsFirst.bool),
                text(m, "inbox_prefix"), text(m, "jetstream_domain"), text(m, "jetstream_api_prefix"));
    }

    private static String text(Map<String, JsonValue> m, String key) {
        JsonValue v = m.get(key);
        return v == null || v.string == null || v.string.isEmpty() ? null : v.string;
    }

    private static String path(String value, Path home) {
        if (value != null && (value.equals("~") || value.startsWith("~/"))) {
            return home.resolve(value.substring(Math.min(2, value.length()))).toString();
        }
        return value;
    }
}
