package io.halyard.server.config;

/**
 * Where something was written in a config file: the file (as it was named to the parser), a 1-based
 * line and a 1-based column. Printed as {@code file:line:col}, the form compilers and nats-server
 * use, so editors can jump to it.
 *
 * <p>nats-server's own columns are 0-based on the first line and 1-based after it (a quirk of its
 * lexer); Halyard's are 1-based everywhere.
 *
 * @param source the file name, or a label such as {@code "<string>"} or {@code "env:NAME"}
 * @param line   1-based line
 * @param column 1-based column, counted in UTF-16 characters
 */
public record ConfPosition(String source, int line, int column) {

    @Override
    public String toString() {
        return source + ":" + line + ":" + column;
    }
}
