package io.halyard.cli.format;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The "info" view for people: titled sections of {@code label: value} lines, the labels of all
 * sections aligned right on one column so the values line up.
 *
 * <pre>
 * Configuration:
 *
 *          Subjects: orders.&gt;
 *           Storage: File
 *
 * State:
 *
 *          Messages: 12
 * </pre>
 *
 * <p>Not thread-safe; build, then {@link #print}.
 */
public final class Details {

    private record Line(String label, String value) {
    }

    private record Section(String title, List<Line> lines) {
    }

    private final List<Section> sections = new ArrayList<>();
    private final List<String> heading = new ArrayList<>();

    /** A line printed before the sections, as it is. */
    public Details heading(String text) {
        heading.add(text);
        return this;
    }

    public Details section(String title) {
        sections.add(new Section(title, new ArrayList<>()));
        return this;
    }

    /** Adds {@code label: value} to the current section; a null value leaves the line out. */
    public Details add(String label, Object value) {
        if (value != null) {
            if (sections.isEmpty()) {
                section(null);
            }
            sections.get(sections.size() - 1).lines().add(new Line(label, value.toString()));
        }
        return this;
    }

    public void print(PrintWriter out) {
        int width = 0;
        for (Section s : sections) {
            for (Line l : s.lines()) {
                width = Math.max(width, l.label().length());
            }
        }
        for (String h : heading) {
            out.println(h);
        }
        boolean first = heading.isEmpty();
        for (Section s : sections) {
            if (s.lines().isEmpty()) {
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            if (s.title() != null) {
                out.println(s.title() + ":");
                out.println();
            }
            for (Line l : s.lines()) {
                out.println(" ".repeat(width - l.label().length() + 2) + l.label() + ": " + l.value());
            }
        }
        out.flush();
    }
}
