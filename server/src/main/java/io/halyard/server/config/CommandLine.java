package io.halyard.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * nats-server's command line: the same flags with the same meanings, read the way Go's {@code flag}
 * package reads them, then layered over the config file the way nats-server layers them.
 *
 * <h2>Syntax (Go's {@code flag} package)</h2>
 * <ul>
 *   <li>One or two dashes are the same: {@code -p 4222}, {@code --port 4222}, {@code -p=4222}.</li>
 *   <li>A boolean flag never takes a separate argument: {@code -D} or {@code -D=false}; in
 *       {@code -D false} the {@code false} is a command.</li>
 *   <li>Flags stop at {@code --} or at the first argument that is not a flag. What follows may be the
 *       command {@code version} or {@code help}; anything else is an error.</li>
 *   <li>A flag's value may start with a dash: {@code -p -1} asks for a random port.</li>
 * </ul>
 *
 * <h2>Layering</h2>
 * The config file ({@code -c}) is read first; then every flag that was given overrides it, in the
 * order given, even when the flag sets a default value ({@code -D=false} turns off a
 * {@code debug: true} of the file). The TLS flags are taken together: if any is given, the client TLS
 * settings come from the flags only ({@code --tlscert} and {@code --tlskey} then required), and
 * {@code --tls=false} turns TLS off.
 *
 * <p>Thread-safe: static methods; {@link Parsed} is immutable.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /** A flag as given: which flag, and its checked value (booleans as "true"/"false"). */
    private record Given(Flag flag, String value) {
    }

    /** The flags of one command line, before anything is read from disk. */
    public static final class Parsed {
        private final List<Given> given;
        private final boolean showVersion;
        private final boolean showHelp;
        private final boolean showTlsHelp;
        private final boolean testConfig;
        private final String signal;
        private final Path configFile;

        private Parsed(List<Given> given, boolean commandVersion, boolean commandHelp) {
            this.given = List.copyOf(given);
            this.showVersion = commandVersion || "true".equals(last(Flag.VERSION));
            this.showHelp = commandHelp || "true".equals(last(Flag.HELP));
            this.showTlsHelp = "true".equals(last(Flag.HELP_TLS));
            this.testConfig = "true".equals(last(Flag.TEST_CONFIG));
            this.signal = last(Flag.SIGNAL);
            String config = last(Flag.CONFIG);
            this.configFile = config == null || config.isEmpty() ? null : Path.of(config);
        }

        private String last(Flag f) {
            String value = null;
            for (Given g : given) {
                if (g.flag() == f) {
                    value = g.value();
                }
            }
            return value;
        }

        /** {@code -v}, {@code --version} or the command {@code version}. */
        public boolean showVersion() {
            return showVersion;
        }

        /** {@code -h}, {@code --help} or the command {@code help}. */
        public boolean showHelp() {
            return showHelp;
        }

        /** {@code --help_tls}. */
        public boolean showTlsHelp() {
            return showTlsHelp;
        }

        /** {@code -t}: load the configuration, report problems, and exit. */
        public boolean testConfig() {
            return testConfig;
        }

        /** {@code --signal} / {@code -sl}, e.g. {@code "reload"} or {@code "stop=1234"}; else null. */
        public String signal() {
            return signal;
        }

        /** {@code -c} / {@code --config}, or null. */
        public Path configFile() {
            return configFile;
        }

        /** The names of the flags given, in order, as spelled without dashes (for logging). */
        public List<String> flagNames() {
            List<String> names = new ArrayList<>();
            for (Given g : given) {
                names.add(g.flag().names.get(0));
            }
            return Collections.unmodifiableList(names);
        }

        /** Lays the given flags over {@code options} (the TLS flags last, together). */
        void applyTo(ServerOptions options, boolean authTimeoutSet) {
            Flag.Overlay overlay = new Flag.Overlay(options);
            for (Given g : given) {
                g.flag().apply(overlay, g.value());
            }
            applyTls(overlay, authTimeoutSet);
        }
    }

    /**
     * Reads the flags of {@code args}; touches no file.
     *
     * @throws ConfigException for an unknown flag, a missing or malformed value, or an unknown command,
     *                         with a one-line message such as {@code unknown flag: --foo}
     */
    public static Parsed parse(String... args) {
        List<Given> given = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                break;
            }
            i = flag(args, i, given);
        }
        boolean version = false;
        boolean help = false;
        if (i < args.length) {
            switch (args[i].toLowerCase(Locale.ROOT)) {
                case "version": version = true; break;
                case "help": help = true; break;
                default: throw new ConfigException("unrecognized command: \"" + args[i] + "\"");
            }
        }
        return new Parsed(given, version, help);
    }

    /** Reads the flag at {@code args[i]}; returns the index after it (and its value). */
    private static int flag(String[] args, int i, List<Given> given) {
        String arg = args[i];
        String dashes = arg.startsWith("--") ? "--" : "-";
        String name = arg.substring(dashes.length());
        if (name.isEmpty() || name.startsWith("-") || name.startsWith("=")) {
            throw new ConfigException("bad flag syntax: " + arg);
        }
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
            value = name.substring(eq + 1);
            name = name.substring(0, eq);
        }
        Flag flag = Flag.byName(name);
        if (flag == null) {
            throw new ConfigException("unknown flag: " + dashes + name);
        }
        int next = i + 1;
        if (flag.kind.isBool()) {
            value = value == null ? "true" : goBool(value, dashes + name);
        } else {
            if (value == null) {
                if (next >= args.length) {
                    throw new ConfigException("flag needs an argument: " + dashes + name);
                }
                value = args[next++];
            }
            if (flag.kind == Flag.Kind.INT) {
                checkInt(value, dashes + name);
            }
        }
        given.add(new Given(flag, value));
        return next;
    }

    /** Go's {@code strconv.ParseBool}. */
    private static String goBool(String value, String flag) {
        switch (value) {
            case "1": case "t": case "T": case "true": case "TRUE": case "True":
                return "true";
            case "0": case "f": case "F": case "false": case "FALSE": case "False":
                return "false";
            default:
                throw new ConfigException("invalid boolean value \"" + value + "\" for flag " + flag);
        }
    }

    private static void checkInt(String value, String flag) {
        try {
            Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid value \"" + value + "\" for flag " + flag + ": not an integer");
        }
    }

    /**
     * Does what nats-server does at start: reads the flags, loads the config file if {@code -c} was
     * given, and lays the flags over it.
     *
     * @param env the environment for the config file's {@code $VARIABLES}
     * @throws ConfigException for bad flags or a bad config file
     */
    public static ServerOptions load(String[] args, Map<String, String> env) {
        return load(parse(args), env);
    }

    /** {@link #load(String[], Map)} for flags already parsed (e.g. to act on {@code -h} first). */
    public static ServerOptions load(Parsed parsed, Map<String, String> env) {
        if (parsed.testConfig() && parsed.configFile() == null) {
            throw new ConfigException("must specify [-c, --config] option to check configuration file syntax");
        }
        ServerOptions options;
        boolean authTimeoutSet = false;
        if (parsed.configFile() != null) {
            ConfigLoader.Loaded loaded = ConfigLoader.loadTracked(parsed.configFile(), env);
            options = loaded.options();
            authTimeoutSet = loaded.authTimeoutSet();
        } else {
            options = new ServerOptions();
        }
        parsed.applyTo(options, authTimeoutSet);
        if (options.lameDuckOnSigterm == null) {
            options.lameDuckOnSigterm = env.containsKey("KUBERNETES_SERVICE_HOST");
        }
        return options;
    }

    /** The TLS flags, combined as nats-server combines them. */
    private static void applyTls(Flag.Overlay o, boolean authTimeoutSet) {
        boolean anyTlsFlag = o.tlsEnabled != null || o.tlsVerify != null || o.tlsCert != null
                || o.tlsKey != null || o.tlsCaCert != null;
        if (!anyTlsFlag) {
            return;
        }
        if (Boolean.FALSE.equals(o.tlsEnabled)) {
            o.options.tls = null;
            return;
        }
        if (o.tlsCert == null || o.tlsCert.isEmpty()) {
            throw new ConfigException("TLS Server certificate must be present and valid");
        }
        if (o.tlsKey == null || o.tlsKey.isEmpty()) {
            throw new ConfigException("TLS Server private key must be present and valid");
        }
        ServerOptions.Tls tls = new ServerOptions.Tls();
        if (o.options.tls != null) {
            tls.timeout = o.options.tls.timeout; // the file's tls.timeout survives, as in nats-server
        }
        tls.certFile = Path.of(o.tlsCert);
        tls.keyFile = Path.of(o.tlsKey);
        tls.caFile = o.tlsCaCert == null || o.tlsCaCert.isEmpty() ? null : Path.of(o.tlsCaCert);
        tls.verify = Boolean.TRUE.equals(o.tlsVerify);
        o.options.tls = tls;
        if (!authTimeoutSet) {
            o.options.authTimeout = tls.timeout.plusSeconds(1);
        }
    }

    /** The help text: every supported flag, then those accepted for compatibility only. */
    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: halyard [options] [version | help]\n\n")
                .append("Halyard reads nats-server's flags and config files. Flags override the config file.\n")
                .append("Use one or two dashes; give values as -p 4222 or -p=4222.\n\n");
        List<String> unsupported = new ArrayList<>();
        for (Flag f : Flag.values()) {
            if (f.supported()) {
                String left = spell(f, true);
                out.append("  ").append(left).append(" ".repeat(Math.max(1, 34 - left.length())))
                        .append(f.help).append('\n');
            } else {
                unsupported.add(spell(f, false));
            }
        }
        out.append("\nAccepted for compatibility with nats-server, but ignored with a warning:\n");
        StringBuilder line = new StringBuilder(" ");
        for (int i = 0; i < unsupported.size(); i++) {
            String item = " " + unsupported.get(i) + (i + 1 < unsupported.size() ? "," : "");
            if (line.length() + item.length() > 98) {
                out.append(line).append('\n');
                line.setLength(1);
            }
            line.append(item);
        }
        out.append(line).append('\n');
        return out.toString();
    }

    private static String spell(Flag f, boolean withArgument) {
        StringBuilder s = new StringBuilder();
        for (String n : f.names) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(n.length() <= 2 || n.equals("DVV") ? "-" : "--").append(n);
        }
        if (withArgument && f.argName != null) {
            s.append(' ').append(f.argName);
        }
        return s.toString();
    }
}
