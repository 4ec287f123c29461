package io.halyard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property tests over seeded random input. For any bytes the parser must not throw, must return (the
 * class timeout turns a loop into a failure), must report at most one error and nothing after it (the
 * {@link NatsParserTest.Recorder} checks that and the frame invariants on every callback), and must give
 * the same callbacks however the bytes are cut. For generated valid streams it must give exactly the
 * frames that were generated. Each property stops at its iteration count or its time budget.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NatsParserFuzzTest {
    private static final long SEED = 0x4E415453L; // "NATS"
    private static final long BUDGET_NANOS = 1_200_000_000L;
    private static final int[] CONTROL_LINE_LIMITS = {8, 32, 4096};
    private static final int[] PAYLOAD_LIMITS = {-1, 0, 16, 1024};
    private static final String[] VALID_FRAMES = {
        "CONNECT {\"verbose\":false,\"headers\":true}\r\n", "PING\r\n", "PONG\r\n", "+OK\r\n",
        "SUB foo.* 1\r\n", "SUB foo q 22\n", "UNSUB 1\r\n", "UNSUB 22 5\r\n", "PUB foo 5\r\nhello\r\n",
        "PUB foo.bar _INBOX.1 11\r\nhello\r\nworld\r\n", "PUB a 0\r\n\r\n",
        "HPUB foo 12 17\r\nNATS/1.0\r\n\r\nHELLO\r\n", "HPUB a r 0 2\r\nhi\r\n", "INFO {}\r\n",
        "-ERR 'x'\r\n",
    };
    /** Bytes a mutation or random input draws from, biased towards what the parser branches on. */
    private static final byte[] ALPHABET = "PUBHSINGOCTEFRKpubhsingocterfk+- \t\r\n0123456789.>*{}'\"x"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldSurviveRandomBytesIdenticallyForAnyFragmentation() {
        Random random = new Random(SEED);
        runFor(20_000, random, r -> randomBytes(r, r.nextInt(200)));
    }

    @Test
    void shouldSurviveMutatedValidFramesIdenticallyForAnyFragmentation() {
        Random random = new Random(SEED + 1);
        runFor(20_000, random, r -> mutate(r, validStream(r)));
    }

    @Test
    void shouldDeliverExactlyTheGeneratedFramesOfValidStreamsCutAnywhere() {
        Random random = new Random(SEED + 2);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        for (int iteration = 0; iteration < 3_000 && System.nanoTime() < deadline; iteration++) {
            Generated stream = generate(random, 1 + random.nextInt(12));
            List<String> got = parseRandomlyCut(random, 4096, 1 << 20, stream.wire, iteration);
            int failed = iteration;
            assertEquals(stream.events, got, () -> "iteration " + failed + " input "
                    + NatsParserTest.escape(new String(stream.wire, StandardCharsets.ISO_8859_1)));
        }
    }

    private interface InputSource {
        byte[] next(Random random);
    }

    private static void runFor(int iterations, Random random, InputSource source) {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        for (int iteration = 0; iteration < iterations && System.nanoTime() < deadline; iteration++) {
            byte[] input = source.next(random);
            int maxControlLine = CONTROL_LINE_LIMITS[random.nextInt(CONTROL_LINE_LIMITS.length)];
            int maxPayload = PAYLOAD_LIMITS[random.nextInt(PAYLOAD_LIMITS.length)];
            List<String> whole = parse(maxControlLine, maxPayload, input, iteration);
            List<String> cut = parseRandomlyCut(random, maxControlLine, maxPayload, input, iteration);
            assertEquals(whole, cut, () -> describe(input, maxControlLine, maxPayload));
            if (input.length <= 64) {
                int[] everyByte = new int[Math.max(0, input.length - 1)];
                Arrays.setAll(everyByte, k -> k + 1);
                assertEquals(whole, parse(maxControlLine, maxPayload, input, iteration, everyByte),
                        () -> "byte by byte: " + describe(input, maxControlLine, maxPayload));
            }
        }
    }

    private static List<String> parseRandomlyCut(Random random, int maxControlLine, int maxPayload,
                                                 byte[] input, int iteration) {
        int[] cuts = random.ints(random.nextInt(6), 0, input.length + 1).sorted().toArray();
        return parse(maxControlLine, maxPayload, input, iteration, cuts);
    }

    /** Any throwable escaping the parser (including a Recorder invariant) fails with the input shown. */
    private static List<String> parse(int maxControlLine, int maxPayload, byte[] input, int iteration,
                                      int... cuts) {
        try {
            return NatsParserTest.parseCut(maxControlLine, maxPayload, input, cuts);
        } catch (Throwable t) {
            fail("iteration " + iteration + " cuts " + Arrays.toString(cuts) + ": "
                    + describe(input, maxControlLine, maxPayload), t);
            return List.of();
        }
    }

    private static String describe(byte[] input, int maxControlLine, int maxPayload) {
        return "maxControlLine=" + maxControlLine + " maxPayload=" + maxPayload + " input="
                + NatsParserTest.escape(new String(input, StandardCharsets.ISO_8859_1));
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return bytes;
    }

    private static byte[] validStream(Random random) {
        StringBuilder stream = new StringBuilder();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            stream.append(VALID_FRAMES[random.nextInt(VALID_FRAMES.length)]);
        }
        return stream.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One to four edits: replace, insert, delete, duplicate a range, truncate. */
    private static byte[] mutate(Random random, byte[] input) {
        byte[] out = input;
        for (int edits = 1 + random.nextInt(4); edits > 0 && out.length > 0; edits--) {
            int at = random.nextInt(out.length);
            byte b = ALPHABET[random.nextInt(ALPHABET.length)];
            switch (random.nextInt(5)) {
                case 0 -> out[at] = b;
                case 1 -> out = splice(out, at, 0, new byte[] {b});
                case 2 -> out = splice(out, at, 1, new byte[0]);
                case 3 -> out = splice(out, at, 0, Arrays.copyOfRange(out, at, Math.min(out.length, at + 8)));
                default -> out = Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    /** A valid stream and the events {@link NatsParserTest.Recorder} must record for it. */
    private record Generated(byte[] wire, List<String> events) {
    }

    private static Generated generate(Random random, int frames) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<String> events = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            String subject = token(random);
            String second = random.nextBoolean() ? token(random) : null;
            switch (random.nextInt(6)) {
                case 0 -> {
                    line(random, wire, "PING", null);
                    events.add("PING");
                }
                case 1 -> {
                    line(random, wire, "SUB", second == null ? subject + sp(random) + "7"
                            : subject + sp(random) + second + sp(random) + "7");
                    events.add("SUB " + subject + " " + (second == null ? "null" : second) + " 7");
                }
                case 2 -> {
                    int max = random.nextInt(3) - 1;
                    line(random, wire, "UNSUB", max < 0 ? subject : subject + sp(random) + max);
                    events.add("UNSUB " + subject + " " + max);
                }
                case 3 -> {
                    line(random, wire, "CONNECT", "{\"name\":\"" + subject + "\"}");
                    events.add("CONNECT {\"name\":\"" + subject + "\"}");
                }
                default -> publish(random, wire, events, subject, second);
            }
        }
        return new Generated(wire.toByteArray(), events);
    }

    private static void publish(Random random, ByteArrayOutputStream wire, List<String> events,
                                String subject, String reply) {
        boolean headers = random.nextBoolean();
        byte[] message = randomBytes(random, random.nextInt(300));
        int headerLength = headers ? random.nextInt(message.length + 1) : -1;
        String args = subject + (reply == null ? "" : sp(random) + reply)
                + (headers ? sp(random) + headerLength : "") + sp(random) + message.length;
        line(random, wire, headers ? "HPUB" : "PUB", args);
        wire.writeBytes(message);
        wire.writeBytes(new byte[] {'\r', '\n'});
        events.add("PUB " + subject + " " + (reply == null ? "-" : reply) + " " + headerLength + " "
                + NatsParserTest.escape(new String(message, StandardCharsets.ISO_8859_1)));
    }

    /** A control line with the verb in random case, random blanks, and "\r\n" or a bare "\n". */
    private static void line(Random random, ByteArrayOutputStream wire, String verb, String args) {
        StringBuilder line = new StringBuilder();
        for (char c : verb.toCharArray()) {
            line.append(random.nextBoolean() ? Character.toLowerCase(c) : c);
        }
        if (args != null) {
            // Trailing blanks would be part of CONNECT's JSON text, so only other verbs get them.
            boolean trailing = !verb.equals("CONNECT") && random.nextBoolean();
            line.append(sp(random)).append(args).append(trailing ? sp(random) : "");
        }
        line.append(random.nextInt(4) == 0 ? "\n" : "\r\n");
        wire.writeBytes(line.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String sp(Random random) {
        StringBuilder blanks = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            blanks.append(random.nextBoolean() ? ' ' : '\t');
        }
        return blanks.toString();
    }

    private static String token(Random random) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-*>$";
        StringBuilder token = new StringBuilder();
        for (int n = 1 + random.nextInt(12); n > 0; n--) {
            token.append(chars.charAt(random.nextInt(chars.length())));
        }
        return token.toString();
    }
}
