package io.halyard.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes the JDK's {@code System.Logger} (used by every module) to standard error or a log file, in
 * nats-server's line shape: {@code [pid] 2026/11/23 20:00:00.000000 [INF] message}. Levels: INF by
 * default, DBG with {@code -D}, TRC with {@code -V}.
 */
final class Logging {
    private Logging() {
    }

    static void configure(boolean debug, boolean trace, boolean logTime, Path logFile) throws IOException {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Level level = trace ? Level.FINEST : debug ? Level.FINE : Level.INFO;
        Handler handler;
        if (logFile != null) {
            handler = new FileHandler(logFile.toString(), true);
        } else {
            handler = new ConsoleHandler();
        }
        handler.setFormatter(new NatsStyleFormatter(logTime));
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
        // Netty is chatty at FINE; keep it at INFO unless tracing.
        Logger.getLogger("io.netty").setLevel(trace ? Level.FINE : Level.INFO);
    }

    /** {@code [pid] yyyy/MM/dd HH:mm:ss.SSSSSS [LVL] message}. */
    static final class NatsStyleFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS");
        private final String pid = "[" + ProcessHandle.current().pid() + "] ";
        private final boolean logTime;

        NatsStyleFormatter(boolean logTime) {
            this.logTime = logTime;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128).append(pid);
            if (logTime) {
                sb.append(LocalDateTime.now().format(TIME)).append(' ');
            }
            sb.append(label(r.getLevel())).append(' ').append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }

        private static String label(Level l) {
            int v = l.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "[ERR]";
            }
            if (v >= Level.WARNING.intValue()) {
                return "[WRN]";
            }
            if (v >= Level.INFO.intValue()) {
                return "[INF]";
            }
            if (v >= Level.FINE.intValue()) {
                return "[DBG]";
            }
            return "[TRC]";
        }
    }
}
