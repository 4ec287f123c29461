package io.halyard.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-level conformance with nats-server: each case sends the same raw protocol input to Halyard and to
 * the real nats-server and compares what comes back, frame by frame, and whether the connection ends up
 * closed.
 *
 * <p>Each case also carries the transcript nats-server produces, so Halyard is held to it even on a
 * machine without nats-server. The transcripts were recorded with nats-server 2.9.10 and checked against
 * the current nats-server source; where a later release changed the answer, a case holds both and says
 * since which version (the installed binary is judged by the version in its INFO, and the side-by-side
 * comparison skips cases the installed binary is too old for). A nats-server that answers differently
 * from what is recorded shows up as a failing {@code NATS_SERVER} run rather than silently moving the
 * target.
 *
 * <p>Transcripts: one entry per line the server sent, without CRLF; after a {@code MSG}/{@code HMSG} line,
 * one entry with its payload (CR and LF written as {@code \r} and {@code \n}); {@code <closed>} last if the
 * server closed the connection. Normalised away: the {@code INFO} line (server ids, ports, versions
 * differ; its presence is still checked) and the keep-alive {@code PING}s a server may send on its own.
 */
@Timeout(60)
class ProtocolConformanceTest {
    private static final String CLOSED = "<closed>";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(3);
    /** How long a connection must stay quiet and open after the last step to count as "kept". */
    private static final Duration QUIET = Duration.ofMillis(100);

    private static final Map<ServerTarget, ServerTarget.Endpoint> SERVERS = new EnumMap<>(ServerTarget.class);

    /** One step: the bytes sent on one of the case's connections. */
    record Step(int connection, String input) {
    }

    /**
     * A conformance case: its steps and, per connection, the transcript nats-server produces.
     *
     * @param name           reads as a specification of the behaviour
     * @param steps          run in order; after each, the answer on that connection is read (up to the PONG
     *                       of a trailing PING, or until the server closes the connection)
     * @param expected       transcript per connection, indexed like {@link Step#connection()}, as current
     *                       nats-server produces it (the behaviour Halyard follows)
     * @param changedIn      the nats-server version that introduced {@code expected}, or null if it has
     *                       always been so
     * @param legacyExpected what nats-server before {@code changedIn} produces instead
     */
    record Case(String name, List<Step> steps, List<List<String>> expected, String changedIn,
                List<List<String>> legacyExpected) {
        Case(String name, List<Step> steps, List<List<String>> expected) {
            this(name, steps, expected, null, null);
        }

        /** The transcript a nats-server of {@code version} produces. */
        List<List<String>> expectedFor(String version) {
            return changedIn != null && isOlder(version, changedIn) ? legacyExpected : expected;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case single(String name, String input, String... expected) {
        return new Case(name, List.of(new Step(0, input)), List.of(List.of(expected)));
    }

    private static final String HEADERS = "NATS/1.0\r\nA: B\r\n\r\n"; // 18 bytes

    static List<Case> cases() {
        return List.of(
            single("shouldAnswerPingWithPong",
                "PING\r\n",
                "PONG"),
            single("shouldAcknowledgeEveryOperationWithOkWhenVerbose",
                "CONNECT {\"verbose\":true}\r\nSUB foo 1\r\nPUB foo 5\r\nhello\r\nPING\r\n",
                "+OK", "+OK", "+OK", "MSG foo 1 5", "hello", "PONG"),
            single("shouldTreatAClientAsVerboseUntilItsConnectSaysOtherwise",
                "SUB foo 1\r\nPUB foo 1\r\na\r\nPING\r\n",
                "+OK", "+OK", "MSG foo 1 1", "a", "PONG"),
            single("shouldKeepVerboseOnWhenConnectDoesNotMentionIt",
                "CONNECT {\"echo\":true}\r\nPING\r\n",
                "+OK", "PONG"),
            single("shouldCloseWithUnknownProtocolOperationOnGarbage",
                "FOO\r\n",
                "-ERR 'Unknown Protocol Operation'", CLOSED),
            single("shouldAcceptOperationsInLowerCase",
                "connect {\"verbose\":false}\r\nsub foo 1\r\npub foo 1\r\na\r\nping\r\n",
                "MSG foo 1 1", "a", "PONG"),
            single("shouldAcceptTabsAndRepeatedSpacesBetweenArguments",
                "CONNECT {\"verbose\":false}\r\nSUB foo\t1\r\nPUB  foo   1\r\na\r\nPING\r\n",
                "MSG foo 1 1", "a", "PONG"),
            single("shouldCarryTheReplySubjectIntoMsg",
                "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo bar 1\r\na\r\nPING\r\n",
                "MSG foo 1 bar 1", "a", "PONG"),
            single("shouldCloseWithMaximumPayloadViolationWhenPubSizeExceedsMaxPayload",
                "CONNECT {\"verbose\":false}\r\nPUB foo 1048577\r\n",
                "-ERR 'Maximum Payload Violation'", CLOSED),
            single("shouldCloseWithMaximumControlLineExceededBeyond4096Bytes",
                "CONNECT {\"verbose\":false}\r\nPUB " + "a".repeat(5000) + " 1\r\n",
                "-ERR 'maximum control line exceeded'", CLOSED),
            single("shouldCloseWithUnknownProtocolOperationWhenPayloadIsLongerThanItsSize",
                "CONNECT {\"verbose\":false}\r\nPUB foo 5\r\nhelloxx\r\n",
                "-ERR 'Unknown Protocol Operation'", CLOSED),
            single("shouldCloseWithoutErrWhenPubHasNoSize",
                "CONNECT {\"verbose\":false}\r\nPUB foo\r\n",
                CLOSED),
            single("shouldRejectAnInvalidSubscriptionSubjectAndKeepTheConnection",
                "CONNECT {\"verbose\":false}\r\nSUB foo..bar 1\r\nSUB foo. 1\r\nSUB foo.>.bar 1\r\nPING\r\n",
                "-ERR 'Invalid Subject'", "-ERR 'Invalid Subject'", "-ERR 'Invalid Subject'", "PONG"),
            single("shouldRejectAWildcardPublishSubjectFromAPedanticClientAndKeepTheConnection",
                "CONNECT {\"verbose\":false,\"pedantic\":true}\r\nPUB foo.* 1\r\nx\r\nPING\r\n",
                "-ERR 'Invalid Publish Subject'", "PONG"),
            new Case("shouldStillRouteAWildcardPublishAfterTellingAPedanticClientItIsInvalid",
                // nats-server's processPub sends the -ERR but does not drop the message.
                List.of(
                    new Step(0, "CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPING\r\n"),
                    new Step(1, "CONNECT {\"verbose\":false,\"pedantic\":true}\r\nPUB foo.* 1\r\nx\r\nPING\r\n"),
                    new Step(0, "PING\r\n")),
                List.of(
                    List.of("PONG", "MSG foo.* 1 1", "x", "PONG"),
                    List.of("-ERR 'Invalid Publish Subject'", "PONG"))),
            single("shouldDeliverHpubAsHmsgWithHeadersIntact",
                "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB foo 1\r\nHPUB foo 18 23\r\n" + HEADERS
                    + "hello\r\nPING\r\n",
                "HMSG foo 1 18 23", esc(HEADERS + "hello"), "PONG"),
            new Case("shouldDeliverHpubAsPlainMsgToASubscriberWithoutHeaderSupport",
                List.of(
                    new Step(0, "CONNECT {\"verbose\":false,\"headers\":false}\r\nSUB foo 1\r\nPING\r\n"),
                    new Step(1, "CONNECT {\"verbose\":false,\"headers\":true}\r\nHPUB foo bar 18 23\r\n" + HEADERS
                        + "hello\r\nPING\r\n"),
                    new Step(0, "PING\r\n")),
                List.of(
                    List.of("PONG", "MSG foo 1 bar 5", "hello", "PONG"),
                    List.of("PONG"))),
            single("shouldCloseWithoutErrWhenAClientThatDidNotAnnounceHeadersSendsHpub",
                "CONNECT {\"verbose\":false}\r\nHPUB foo 18 23\r\n" + HEADERS + "hello\r\nPING\r\n",
                CLOSED),
            single("shouldStopDeliveringAfterUnsubMaxMessages",
                "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nUNSUB 1 2\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\n"
                    + "PUB foo 1\r\nc\r\nPING\r\n",
                "MSG foo 1 1", "a", "MSG foo 1 1", "b", "PONG"),
            single("shouldIgnoreUnsubOfAnUnknownSid",
                "CONNECT {\"verbose\":false}\r\nUNSUB 99\r\nPING\r\n",
                "PONG"),
            new Case("shouldAnswerARequestWithoutRespondersWithA503StatusMessageNamingTheSubject",
                List.of(new Step(0, "CONNECT {\"headers\":true,\"no_responders\":true}\r\nSUB _INBOX.x 1\r\n"
                    + "PUB nobody _INBOX.x 0\r\n\r\nPING\r\n")),
                List.of(List.of("+OK", "+OK", "+OK", "HMSG _INBOX.x 1 38 38",
                    esc("NATS/1.0 503\r\nNats-Subject: nobody\r\n\r\n"), "PONG")),
                // nats-server 2.12.0 added the Nats-Subject header ("no responders return the original subject").
                "2.12.0",
                List.of(List.of("+OK", "+OK", "+OK", "HMSG _INBOX.x 1 16 16", esc("NATS/1.0 503\r\n\r\n"), "PONG"))),
            single("shouldCloseWhenNoRespondersIsAskedForWithoutHeaders",
                "CONNECT {\"verbose\":false,\"no_responders\":true}\r\n",
                "-ERR 'no responders requires headers support'", CLOSED),
            single("shouldCloseWithInvalidClientProtocolForAnUnknownProtocolVersion",
                "CONNECT {\"verbose\":false,\"protocol\":2}\r\n",
                "-ERR 'invalid client protocol'", CLOSED),
            new Case("shouldNotEchoToTheSenderWhenEchoIsFalseButDeliverToOthers",
                List.of(
                    new Step(0, "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPING\r\n"),
                    new Step(1, "CONNECT {\"verbose\":false,\"echo\":false}\r\nSUB foo 7\r\nPUB foo 1\r\na\r\n"
                        + "PING\r\n"),
                    new Step(0, "PING\r\n")),
                List.of(
                    List.of("PONG", "MSG foo 1 1", "a", "PONG"),
                    List.of("PONG"))),
            single("shouldCloseWithoutReplyWhenTheClientSendsErr",
                "-ERR 'oops'\r\n",
                CLOSED));
    }

    static Stream<Arguments> targetsAndCases() {
        return Stream.of(ServerTarget.values())
            .flatMap(target -> cases().stream().map(c -> Arguments.of(target, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("targetsAndCases")
    void shouldProduceTheTranscriptNatsServerProduces(ServerTarget target, Case c) throws Exception {
        Outcome actual = run(server(target), c);
        List<List<String>> expected = target == ServerTarget.NATS_SERVER
            ? c.expectedFor(actual.serverVersion()) : c.expected();
        assertEquals(expected, actual.transcripts(), c.name() + " on " + target + " " + actual.serverVersion());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAnswerExactlyLikeTheInstalledNatsServer(Case c) throws Exception {
        assumeTrue(NatsServerProcess.isAvailable(), "nats-server is not installed");
        Outcome reference = run(server(ServerTarget.NATS_SERVER), c);
        assumeTrue(c.changedIn() == null || !isOlder(reference.serverVersion(), c.changedIn()),
            "nats-server " + reference.serverVersion() + " predates the behaviour of " + c.changedIn());
        Outcome halyard = run(server(ServerTarget.HALYARD), c);
        assertEquals(reference.transcripts(), halyard.transcripts(), c.name() + ": Halyard vs nats-server "
            + reference.serverVersion());
    }

    private static synchronized ServerTarget.Endpoint server(ServerTarget target) throws Exception {
        ServerTarget.Endpoint endpoint = SERVERS.get(target);
        if (endpoint == null) {
            endpoint = target.start();
            SERVERS.put(target, endpoint);
        }
        return endpoint;
    }

    @AfterAll
    static synchronized void stopServers() throws Exception {
        Exception first = null;
        for (ServerTarget.Endpoint endpoint : SERVERS.values()) {
            try {
                endpoint.close(); // each one, even if another fails to stop
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        SERVERS.clear();
        if (first != null) {
            throw first;
        }
    }

    /** What a run produced: the version the server claims in INFO, and a transcript per connection. */
    record Outcome(String serverVersion, List<List<String>> transcripts) {
    }

    /** Runs the case's steps against the server on {@code endpoint}. */
    private static Outcome run(ServerTarget.Endpoint endpoint, Case c) throws Exception {
        int connections = c.expected().size();
        List<RawClient> clients = new ArrayList<>();
        List<List<String>> transcripts = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(RawClient.connect(endpoint.port())); // fails unless INFO comes first
                transcripts.add(new ArrayList<>());
            }
            for (Step step : c.steps()) {
                RawClient client = clients.get(step.connection());
                List<String> transcript = transcripts.get(step.connection());
                if (client.isClosedByServer()) {
                    continue; // nothing more to send; the transcript already ends in <closed>
                }
                client.send(step.input());
                boolean awaitPong = step.input().toUpperCase(java.util.Locale.ROOT).endsWith("PING\r\n");
                readFrames(client, transcript, awaitPong ? "PONG" : null, STEP_TIMEOUT);
            }
            for (int i = 0; i < connections; i++) {
                // Whatever else arrives, and whether the connection is closed, within a short quiet spell.
                readFrames(clients.get(i), transcripts.get(i), null, QUIET);
            }
            return new Outcome(versionIn(clients.get(0).info()), transcripts);
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    /**
     * Appends frames to {@code transcript} until a frame equal to {@code stopAt} arrives, the server closes
     * the connection ({@code <closed>} is appended), or {@code timeout} passes.
     */
    private static void readFrames(RawClient client, List<String> transcript, String stopAt, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!client.isClosedByServer()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            String line = client.pollLine(Duration.ofNanos(remaining));
            if (line == null) {
                if (client.isClosedByServer()) {
                    transcript.add(CLOSED);
                }
                return;
            }
            if (line.equals("PING")) {
                continue; // a keep-alive of the server's own, not an answer to the input
            }
            transcript.add(line);
            if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
                String[] fields = line.split(" ");
                int size = Integer.parseInt(fields[fields.length - 1]);
                byte[] payload = client.readBytes(size + 2, STEP_TIMEOUT);
                String text = new String(payload, 0, size, StandardCharsets.UTF_8);
                String trailer = new String(payload, size, 2, StandardCharsets.UTF_8);
                transcript.add(esc(text) + (trailer.equals("\r\n") ? "" : " <no CRLF after payload>"));
            }
            if (line.equals(stopAt)) {
                return;
            }
        }
    }

    private static String versionIn(String info) {
        Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"").matcher(info);
        return m.find() ? m.group(1) : "unknown";
    }

    /** Whether version {@code a} (like "2.9.10" or "2.12.0-RC.1") is older than {@code b}. */
    static boolean isOlder(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return x[i] < y[i];
            }
        }
        return false;
    }

    private static int[] numbers(String version) {
        int[] result = new int[3];
        String[] parts = version.split("[.-]");
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                result[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return result;
            }
        }
        return result;
    }

    private static String esc(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
