package io.halyard.server.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: every line is
 * a {@code # HELP}, a {@code # TYPE} or a sample; a sample must belong to a family whose TYPE came
 * before it (by its name, or its name less {@code _total}, {@code _bucket}, {@code _count},
 * {@code _sum}, {@code _created}); names and label names must be valid; label values must be
 * properly escaped; values must be numbers, {@code +Inf}, {@code -Inf} or {@code NaN}; a family's
 * TYPE may appear once. Histograms are checked too: buckets cumulative and ending with
 * {@code le="+Inf"}, equal to {@code _count}. Anything else throws.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset", "gaugehistogram");

    /** One sample: metric name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> help = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        String[] lines = text.split("\n", -1);
        if (!lines[lines.length - 1].isEmpty()) {
            throw new IllegalArgumentException("the exposition must end with a new line");
        }
        for (int i = 0; i < lines.length - 1; i++) {
            try {
                p.line(lines[i]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + lines[i], e);
            }
        }
        p.checkHistograms();
        return p;
    }

    private void line(String line) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("empty line");
        }
        if (line.startsWith("# HELP ")) {
            String[] parts = line.substring(7).split(" ", 2);
            name(parts[0]);
            if (help.put(parts[0], parts.length > 1 ? parts[1] : "") != null) {
                throw new IllegalArgumentException("second HELP for " + parts[0]);
            }
            return;
        }
        if (line.startsWith("# TYPE ")) {
            String[] parts = line.substring(7).split(" ");
            if (parts.length != 2 || !TYPES.contains(parts[1])) {
                throw new IllegalArgumentException("bad TYPE line");
            }
            name(parts[0]);
            if (types.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException("second TYPE for " + parts[0]);
            }
            return;
        }
        if (line.startsWith("#")) {
            return; // a comment
        }
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int close = line.indexOf("} ", brace);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated labels");
            }
            String body = line.substring(brace + 1, close);
            Matcher m = LABEL.matcher(body);
            int at = 0;
            while (at < body.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("bad label at " + at);
                }
                if (labels.put(m.group(1), m.group(2)) != null) {
                    throw new IllegalArgumentException("duplicate label " + m.group(1));
                }
                at = m.end();
                if (at < body.length()) {
                    if (body.charAt(at) != ',') {
                        throw new IllegalArgumentException("expected ',' between labels");
                    }
                    at++;
                }
            }
            space = close + 1;
        } else {
            space = line.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("no value");
            }
            name = line.substring(0, space);
        }
        name(name);
        String[] rest = line.substring(space + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        double value = number(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        if (family(name) == null) {
            throw new IllegalArgumentException("sample before its TYPE: " + name);
        }
        samples.add(new Sample(name, labels, value));
    }

    /** The family a sample name belongs to, or null. */
    String family(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created", "_info")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void name(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
    }

    private static double number(String text) {
        switch (text) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default: return Double.parseDouble(text);
        }
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> e : types.entrySet()) {
            if (!e.getValue().equals("histogram")) {
                continue;
            }
            String base = e.getKey();
            Map<Map<String, String>, List<Sample>> bucketsBySeries = new LinkedHashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(base + "_bucket")) {
                    Map<String, String> series = new LinkedHashMap<>(s.labels());
                    series.remove("le");
                    bucketsBySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
                }
            }
            for (Map.Entry<Map<String, String>, List<Sample>> series : bucketsBySeries.entrySet()) {
                double previous = -1;
                double previousLe = Double.NEGATIVE_INFINITY;
                List<Sample> buckets = series.getValue();
                for (Sample b : buckets) {
                    double le = number(b.labels().get("le"));
                    if (le <= previousLe || b.value() < previous) {
                        throw new IllegalArgumentException(base + ": buckets not cumulative/ordered at le=" + le);
                    }
                    previous = b.value();
                    previousLe = le;
                }
                if (previousLe != Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(base + ": no +Inf bucket");
                }
                double count = value(base + "_count", series.getKey());
                if (count != previous) {
                    throw new IllegalArgumentException(base + ": _count " + count + " != +Inf bucket " + previous);
                }
            }
        }
    }

    /** The value of the sample {@code name} with exactly {@code labels}; throws when there is none. */
    double value(String name, Map<String, String> labels) {
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().equals(labels)) {
                return s.value();
            }
        }
        throw new AssertionError("no sample " + name + labels);
    }

    double value(String name) {
        return value(name, Map.of());
    }
}
