package io.halyard.cli.format;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: a header, a rule, then rows, each column as wide as its widest cell and two spaces
 * apart; numeric columns aligned right. Trailing spaces are trimmed, so the output diffs cleanly.
 *
 * <pre>
 * Name    Messages  Size
 * ------  --------  -------
 * ORDERS        12  1.2 KiB
 * </pre>
 *
 * <p>Not thread-safe; build, then {@link #print}.
 */
public final class Table {

    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
        this.right = new boolean[headers.size()];
    }

    public static Table of(String... headers) {
        return new Table(List.of(headers));
    }

    /** Aligns these columns (0-based) to the right, for numbers. */
    public Table alignRight(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    /** Adds a row; {@code null} cells print as empty, missing cells as empty. */
    public Table row(Object... cells) {
        List<String> row = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = width(headers.get(c));
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], width(row.get(c)));
            }
        }
        line(out, headers, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        line(out, rule, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - width(cell));
            if (c > 0) {
                text.append("  ");
            }
            text.append(right[c] ? pad + cell : cell + pad);
        }
        out.println(text.toString().stripTrailing());
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
