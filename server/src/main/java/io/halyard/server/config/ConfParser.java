package io.halyard.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses nats-server's config format into a tree of {@link ConfValue}s that remember where they were
 * written. Generic: it knows the syntax, not the options (that is the {@link ConfigLoader}).
 *
 * <h2>The format</h2>
 * <pre>
 * # comment            // comment too
 * port: 4222           # key: value, key = value and key value are the same
 * listen 127.0.0.1:4222
 * authorization {      # a block; also a map value: tls = { ... }
 *   users = [          # arrays: comma- or newline-separated
 *     {user: alice, password: $ALICE_PASS}
 *   ]
 * }
 * max_payload: 1MB     # sizes: 1k = 1000, 1kb = 1ki = 1024, 1MB = 1048576
 * ping_interval: "2m"  # durations are strings; quote them (unquoted 2m is the number 2000000)
 * include ./auth.conf  # relative to the including file; its keys land where the include is
 * </pre>
 * Values end at a new line, {@code ;} or {@code ,}. The whole file may be wrapped in {@code { }}
 * (JSON style), and a stray closing brace at the very end is tolerated, as nats-server does.
 *
 * <h2>Variables</h2>
 * An unquoted word starting with {@code $} refers to a key defined earlier in an enclosing map (the
 * innermost first, the top level last), else to an environment variable, whose text is parsed as a
 * config value (so {@code 22} is a number, {@code [a, b]} an array). A reference to something that
 * does not exist is an error. {@code $2a$...}, {@code $2b$...} and {@code $2y$...} are bcrypt hashes,
 * not variables. An included file is parsed on its own: it sees its own keys and the environment, not
 * the keys of the file that includes it — as in nats-server.
 *
 * <p>Errors are {@link ConfigException}s with the message {@code file:line:col: what is wrong}; the
 * first syntax error stops the parse.
 *
 * <p>Not thread-safe: one parser per parse (the static methods create their own).
 */
public final class ConfParser {

    private enum Body { TOP, BLOCK, MAP }

    private final ConfScanner in;
    private final Path baseDir;
    private final Map<String, String> env;
    /** Open maps, innermost first: the scopes variables are looked up in. */
    private final Deque<ConfMap> scopes = new ArrayDeque<>();
    /** Environment variables being expanded, to catch {@code A=$B, B=$A}. Shared with sub-parsers. */
    private final Set<String> expanding;
    /** Files being included, outermost first, to catch include cycles. Shared with sub-parsers. */
    private final List<Path> includeChain;

    private ConfParser(ConfScanner in, Path baseDir, Map<String, String> env, Set<String> expanding,
            List<Path> includeChain) {
        this.in = in;
        this.baseDir = baseDir;
        this.env = env;
        this.expanding = expanding;
        this.includeChain = includeChain;
    }

    /**
     * Parses a config file; includes are resolved against its directory.
     *
     * @param env the environment {@code $VARIABLES} fall back to (pass {@code System.getenv()})
     * @throws ConfigException if the file cannot be read or is malformed
     */
    public static ConfMap parseFile(Path file, Map<String, String> env) {
        List<Path> chain = new ArrayList<>();
        chain.add(file.toAbsolutePath().normalize());
        return new ConfParser(new ConfScanner(read(file, null), file.toString()), directoryOf(file),
                Objects.requireNonNull(env), new LinkedHashSet<>(), chain).document();
    }

    /**
     * Parses config text.
     *
     * @param source  the name used in positions and errors, e.g. {@code "<string>"}
     * @param baseDir the directory {@code include}s are relative to
     * @param env     the environment {@code $VARIABLES} fall back to
     * @throws ConfigException if the text is malformed
     */
    public static ConfMap parseString(String text, String source, Path baseDir, Map<String, String> env) {
        return new ConfParser(new ConfScanner(text, source), baseDir, Objects.requireNonNull(env),
                new LinkedHashSet<>(), new ArrayList<>()).document();
    }

    private static Path directoryOf(Path file) {
        Path parent = file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    private static String read(Path file, ConfPosition includedAt) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = "cannot read config file '" + file + "': " + e;
            throw includedAt == null ? new ConfigException(reason) : new ConfigException(includedAt, reason);
        }
    }

    private ConfMap document() {
        ConfMap top = new ConfMap();
        scopes.push(top);
        body(top, Body.TOP, null);
        return top;
    }

    /**
     * Reads {@code key value} entries into {@code target} until the end of the file (top level) or
     * the {@code }} that closes a block or map opened at {@code openedAt}.
     */
    private void body(ConfMap target, Body kind, ConfPosition openedAt) {
        while (true) {
            in.skipSpaceAndComments();
            int c = in.peek();
            if (c == ConfScanner.EOF) {
                if (kind != Body.TOP) {
                    throw in.error("end of file inside the block opened at " + openedAt + "; missing '}'");
                }
                return;
            }
            if (c == '}') {
                if (kind != Body.TOP) {
                    in.next();
                    return;
                }
                trailingBrace();
                return;
            }
            if (c == '{' && kind != Body.MAP) {
                // "{ ... }" around the whole file or part of it (JSON style): same scope.
                ConfPosition at = in.here();
                in.next();
                body(target, Body.BLOCK, at);
                continue;
            }
            if (c == '=' || c == ':' || c == ',' || c == ';' || c == '[' || c == ']' || c == '{') {
                throw in.error("expected a key, found " + ConfScanner.describe(c));
            }
            entry(target, kind);
        }
    }

    /** A '}' at the top level is tolerated only as the last thing in the file. */
    private void trailingBrace() {
        ConfPosition at = in.here();
        in.next();
        in.skipSpaceAndComments();
        if (in.peek() != ConfScanner.EOF) {
            throw new ConfigException(at, "unexpected '}' without a matching '{'");
        }
    }

    private void entry(ConfMap target, Body kind) {
        ConfPosition keyAt = in.here();
        boolean quoted = in.peek() == '"' || in.peek() == '\'';
        if (quoted) {
            // nats-server places a quoted key at its first character, inside the quotes.
            keyAt = new ConfPosition(keyAt.source(), keyAt.line(), keyAt.column() + 1);
        }
        String key = in.readKey();
        if (!quoted && key.equalsIgnoreCase("include") && ConfScanner.isSpace(in.peek())) {
            in.skipBlanks();
            include(target, in.readIncludePath(), keyAt);
            valueEnd(kind);
            return;
        }
        in.skipSpace();
        int c = in.peek();
        if (c == ConfScanner.EOF || (c == '}' && kind != Body.TOP)) {
            throw new ConfigException(keyAt, "key '" + key + "' has no value");
        }
        if (c == '=' || c == ':') {
            in.next();
            if (kind == Body.MAP) {
                in.skipSpace();
            }
        }
        ConfValue value = value(kind == Body.MAP);
        target.put(new ConfEntry(key, keyAt, value));
        valueEnd(kind);
    }

    /** After a value: blanks, an optional comment, then a new line, ';', ',' or the closing '}'. */
    private void valueEnd(Body kind) {
        in.skipBlanks();
        if (in.atComment()) {
            in.skipComment();
        }
        int c = in.peek();
        if (c == ConfScanner.EOF || c == '}') {
            return; // body() decides whether this is allowed here
        }
        if (ConfScanner.isNewline(c) || c == ';' || c == ',') {
            in.next();
            return;
        }
        throw in.error("expected a new line, ';' or ',' after the value, found " + ConfScanner.describe(c)
                + (kind == Body.TOP ? "" : " (or '}' to close the block)"));
    }

    /** One value; blanks before it are skipped, new lines too where {@code newlinesAllowed}. */
    private ConfValue value(boolean newlinesAllowed) {
        if (newlinesAllowed) {
            in.skipSpace();
        } else {
            in.skipBlanks();
        }
        ConfPosition at = in.here();
        int c = in.peek();
        switch (c) {
            case '[':
                return array();
            case '{':
                return map();
            case '\'':
                return ConfValue.string(in.readSingleQuoted(), at);
            case '"':
                return ConfValue.string(in.readDoubleQuoted(), at);
            case '(':
                return ConfValue.string(in.readBlockString(), at);
            case '.':
                throw in.error("a number must start with a digit, not '.'");
            default:
                break;
        }
        if (c == ConfScanner.EOF || ConfScanner.isNewline(c) || ConfScanner.endsUnquoted(c)) {
            throw in.error("expected a value, found " + ConfScanner.describe(c));
        }
        ConfScanner.Word word = in.readUnquoted();
        if (!word.escaped() && word.text().startsWith("$")) {
            return variable(word.text().substring(1), at);
        }
        return ConfLiterals.of(word, at);
    }

    private ConfValue array() {
        ConfPosition at = in.here();
        in.next();
        List<ConfValue> items = new ArrayList<>();
        while (true) {
            in.skipSpaceAndComments();
            int c = in.peek();
            if (c == ']') {
                in.next();
                return ConfValue.array(items, at);
            }
            if (c == ConfScanner.EOF) {
                throw in.error("end of file inside the array opened at " + at + "; missing ']'");
            }
            if (c == ',') {
                throw in.error("unexpected ',' in array: expected a value or ']'");
            }
            items.add(value(false));
            arrayValueEnd();
        }
    }

    private void arrayValueEnd() {
        in.skipBlanks();
        if (in.atComment()) {
            in.skipComment();
        }
        int c = in.peek();
        if (c == ',' || ConfScanner.isNewline(c)) {
            in.next();
        } else if (c != ']') {
            throw in.error("expected ',', a new line or ']' after an array value, found "
                    + ConfScanner.describe(c));
        }
    }

    private ConfValue map() {
        ConfPosition at = in.here();
        in.next();
        ConfMap map = new ConfMap();
        scopes.push(map);
        try {
            body(map, Body.MAP, at);
        } finally {
            scopes.pop();
        }
        return ConfValue.map(map, at);
    }

    private ConfValue variable(String name, ConfPosition at) {
        if (name.startsWith("2a$") || name.startsWith("2b$") || name.startsWith("2y$")) {
            return ConfValue.string("$" + name, at); // a bcrypt hash, not a variable
        }
        if (name.isEmpty()) {
            throw new ConfigException(at, "'$' without a variable name");
        }
        for (ConfMap scope : scopes) {
            ConfValue defined = scope.get(name);
            if (defined != null) {
                defined.markUsedAsVariable();
                return defined.referencedAt(at);
            }
        }
        return environmentVariable(name, at);
    }

    private ConfValue environmentVariable(String name, ConfPosition at) {
        String text = env.get(name);
        if (text == null) {
            throw new ConfigException(at, "variable reference for '" + name
                    + "' can not be found (not defined above nor in the environment)");
        }
        if (!expanding.add(name)) {
            throw new ConfigException(at, "variable reference cycle for '" + name + "'");
        }
        try {
            if (text.isBlank()) {
                return ConfValue.string("", at);
            }
            ConfParser sub = new ConfParser(new ConfScanner(text, "env:" + name), baseDir, env, expanding,
                    includeChain);
            return sub.standaloneValue().referencedAt(at);
        } finally {
            expanding.remove(name);
        }
    }

    /** The whole text is one value (an environment variable's). */
    private ConfValue standaloneValue() {
        ConfValue v = value(true);
        in.skipSpaceAndComments();
        if (in.peek() != ConfScanner.EOF) {
            throw in.error("unexpected " + ConfScanner.describe(in.peek()) + " after the value");
        }
        return v;
    }

    private void include(ConfMap target, String name, ConfPosition at) {
        Path file = baseDir.resolve(name);
        Path canonical = file.toAbsolutePath().normalize();
        if (includeChain.contains(canonical)) {
            throw new ConfigException(at, "include cycle: '" + name + "' is already being included");
        }
        String text = read(file, at);
        includeChain.add(canonical);
        ConfMap included;
        try {
            included = new ConfParser(new ConfScanner(text, file.toString()), directoryOf(file), env,
                    expanding, includeChain).document();
        } catch (ConfigException e) {
            if (e.position() == null) {
                throw e;
            }
            throw new ConfigException(e.position(), e.reason() + " (in a file included at " + at + ")");
        } finally {
            includeChain.remove(includeChain.size() - 1);
        }
        for (ConfEntry e : included.entries()) {
            target.put(e);
        }
    }
}
