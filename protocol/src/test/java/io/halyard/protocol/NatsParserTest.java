package io.halyard.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every vector is checked whole, cut at every byte, cut at every pair of bytes (short vectors) and fed
 * one byte at a time, always expecting the same callbacks. Events are recorded as text:
 * {@code PUB <subject> <reply|-> <headerLength> <message>} with {@code \r}/{@code \n} escaped.
 */
class NatsParserTest {
    static final int MAX_CONTROL_LINE = 4096;
    static final int MAX_PAYLOAD = 1024 * 1024;

    @Nested
    class Operations {
        @Test
        void shouldDeliverConnectJsonVerbatim() {
            assertParses("CONNECT {\"verbose\":false,\"name\":\"a b\"}\r\n",
                    "CONNECT {\"verbose\":false,\"name\":\"a b\"}");
        }

        @Test
        void shouldAcceptConnectWithoutSpaceBeforeJsonLikeNatsServer() {
            assertParses("CONNECT{}\r\n", "CONNECT {}");
        }

        @Test
        void shouldDecodeConnectJsonAsUtf8() {
            assertParses("CONNECT {\"name\":\"caf\u00e9\"}\r\n", "CONNECT {\"name\":\"caf\u00e9\"}");
        }

        @Test
        void shouldHandEmptyConnectArgumentsToTheSessionWhichRejectsTheJson() {
            // nats-server unmarshals "\r" here and closes without -ERR; the session does that with "".
            assertParses("CONNECT \r\n", "CONNECT ");
        }

        @Test
        void shouldTakeLineFeedRightAfterConnectAsFirstJsonByteLikeNatsServer() {
            assertParses("CONNECT\n{}\nPING\r\n", "CONNECT \\n{}", "PING");
        }

        @Test
        void shouldDeliverPingAndPong() {
            assertParses("PING\r\nPONG\r\n", "PING", "PONG");
        }

        @Test
        void shouldIgnoreEverythingAfterPingUpToTheLineFeed() {
            assertParses("PING foo\r\nPINGPONG\r\nPONG\t\r\r\n", "PING", "PING", "PONG");
        }

        @Test
        void shouldAcceptBareLineFeedAsLineEnd() {
            assertParses("PING\nSUB a 1\nPUB a 2\nhi\r\nUNSUB 1\n", "PING", "SUB a null 1", "PUB a - -1 hi",
                    "UNSUB 1 -1");
        }

        @Test
        void shouldMatchVerbsCaseInsensitively() {
            assertParses("pInG\r\nPoNg\r\ncOnNeCt {}\r\nsUb a 1\r\npUb a 0\r\n\r\nhPuB a 0 0\r\n\r\n"
                            + "UnSuB 1\r\niNfO {}\r\n+oK\r\n",
                    "PING", "PONG", "CONNECT {}", "SUB a null 1", "PUB a - -1 ", "PUB a - 0 ",
                    "UNSUB 1 -1", "INFO {}");
        }

        @Test
        void shouldSeparateArgumentsByAnyRunOfSpacesAndTabs() {
            assertParses("SUB\tfoo \t q\t\t1 \r\nPUB \t foo\t\tbar  2\t\r\nhi\r\nUNSUB\t 1 \t5\t\r\n",
                    "SUB foo q 1", "PUB foo bar -1 hi", "UNSUB 1 5");
        }

        @Test
        void shouldDeliverPublishWithoutReply() {
            assertParses("PUB foo.bar 5\r\nhello\r\n", "PUB foo.bar - -1 hello");
        }

        @Test
        void shouldDeliverPublishWithReply() {
            assertParses("PUB foo.bar _INBOX.22 11\r\nhello world\r\n", "PUB foo.bar _INBOX.22 -1 hello world");
        }

        @Test
        void shouldDeliverZeroLengthPayload() {
            assertParses("PUB foo 0\r\n\r\nPING\r\n", "PUB foo - -1 ", "PING");
        }

        @Test
        void shouldDeliverPayloadContainingCrLfAndProtocolText() {
            assertParses("PUB foo 12\r\nPING\r\nx\r\ny\r\n\r\n", "PUB foo - -1 PING\\r\\nx\\r\\ny\\r\\n");
        }

        @Test
        void shouldDeliverHeaderPublishWithoutReply() {
            // HPUB <subject> <header bytes> <total bytes>: 12 header bytes "NATS/1.0\r\n\r\n" + "HELLO".
            assertParses("HPUB foo 12 17\r\nNATS/1.0\r\n\r\nHELLO\r\n",
                    "PUB foo - 12 NATS/1.0\\r\\n\\r\\nHELLO");
        }

        @Test
        void shouldDeliverHeaderPublishWithReply() {
            assertParses("HPUB foo INBOX.22 22 27\r\nNATS/1.0\r\nName: ab\r\n\r\nHELLO\r\n",
                    "PUB foo INBOX.22 22 NATS/1.0\\r\\nName: ab\\r\\n\\r\\nHELLO");
        }

        @Test
        void shouldAcceptHeaderPublishWithEmptyHeaderBlockOrEmptyPayload() {
            assertParses("HPUB foo 0 5\r\nHELLO\r\nHPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n",
                    "PUB foo - 0 HELLO", "PUB foo - 12 NATS/1.0\\r\\n\\r\\n");
        }

        @Test
        void shouldDeliverSubscribeWithAndWithoutQueue() {
            assertParses("SUB foo.* 1\r\nSUB foo.> workers 22\r\n", "SUB foo.* null 1", "SUB foo.> workers 22");
        }

        @Test
        void shouldDeliverUnsubscribeWithAndWithoutMax() {
            assertParses("UNSUB 1\r\nUNSUB 2 5\r\nUNSUB 3 0\r\n", "UNSUB 1 -1", "UNSUB 2 5", "UNSUB 3 0");
        }

        @Test
        void shouldReportNonNumericUnsubscribeMaxAsNoMaxLikeNatsServerParseSize() {
            assertParses("UNSUB 1 abc\r\nUNSUB 2 -5\r\nUNSUB 3 1234567890\r\n", "UNSUB 1 -1", "UNSUB 2 -1",
                    "UNSUB 3 -1");
        }

        @Test
        void shouldSplitSubscribeArgumentsOnCarriageReturnLikeSplitArg() {
            assertParses("SUB foo\r1\r\n", "SUB foo null 1");
        }

        @Test
        void shouldKeepCarriageReturnInsidePublishSubjectSincePubSplitsOnlyOnSpaceAndTab() {
            assertParses("PUB fo\ro 1\r\nx\r\n", "PUB fo\\ro - -1 x");
        }

        @Test
        void shouldTakeLineFeedRightAfterVerbSpacesAsFirstArgumentByteLikeNatsServer() {
            assertParses("SUB \nfoo 1\n", "SUB foo null 1");
        }

        @Test
        void shouldHandInfoFromClientToListenerAndIgnorePlusOk() {
            assertParses("INFO {\"server_id\":\"x\"}\r\n+OK\r\n+OK whatever\n",
                    "INFO {\"server_id\":\"x\"}");
        }

        @Test
        void shouldDecodeSubscribeStringsOneCharPerWireByte() {
            byte[] wire = {'S', 'U', 'B', ' ', 'a', (byte) 0xC3, (byte) 0xA9, ' ', '1', '\r', '\n'};
            Recorder recorder = new Recorder();
            feed(new NatsParser(recorder, MAX_CONTROL_LINE, MAX_PAYLOAD), wire);
            String subject = recorder.events.get(0).split(" ")[1];
            assertArrayEquals(new byte[] {'a', (byte) 0xC3, (byte) 0xA9},
                    subject.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Test
        void shouldDeliverManyFramesFromOneBuffer() {
            assertParses("CONNECT {\"headers\":true}\r\nSUB a 1\r\nPUB a 1\r\nx\r\nHPUB a r 12 13\r\n"
                            + "NATS/1.0\r\n\r\ny\r\nPING\r\nPUB a 0\r\n\r\nUNSUB 1 2\r\nPONG\r\n",
                    "CONNECT {\"headers\":true}", "SUB a null 1", "PUB a - -1 x",
                    "PUB a r 12 NATS/1.0\\r\\n\\r\\ny", "PING", "PUB a - -1 ", "UNSUB 1 2", "PONG");
        }

        @Test
        void shouldIgnoreAnyNumberOfSpacesBetweenVerbAndArguments() {
            assertParses("SUB" + " ".repeat(1_000) + "a 1\r\n", "SUB a null 1");
        }
    }

    @Nested
    class Errors {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "unknown verb                 | XYZ\\r\\n",
            "empty line                   | \\r\\n",
            "leading space                | ' PING\\r\\n'",
            "misspelled PING              | PINX\\r\\n",
            "truncated PONG               | PON\\r\\n",
            "verb glued to argument       | PUBfoo 1\\r\\n",
            "SUB without space            | SUB\\r\\n",
            "UNSUB with underscore        | UNSUB_2\\r\\n",
            "-ERR without space           | -ERR\\r\\n",
            "truncated +OK                | +O\\r\\n",
            "MSG from a client            | MSG foo 1 1\\r\\nx\\r\\n",
            "HMSG from a client           | HMSG foo 1 0 0\\r\\n\\r\\n",
            "route subscription           | RS+ $G foo\\r\\n",
            "leaf subscription            | LS+ $G foo\\r\\n",
            "account subscription         | A+ foo\\r\\n",
            "payload longer than size     | PUB foo 2\\r\\nok \\r\\n",
            "space between CR and LF      | PUB foo 2\\r\\nok\\r \\n",
            "bare LF after payload        | PUB foo 2\\r\\nok\\n",
            "payload much longer          | PUB foo.bar 11\\r\\nhello world hello world\\r\\n",
        })
        void shouldReportUnknownProtocolOperation(String name, String input) {
            assertParses(unescape(input), "ERROR UNKNOWN_PROTOCOL_OPERATION");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "PUB with one argument        | PUB foo\\r\\n",
            "PUB with no argument         | 'PUB  \\r\\n'",
            "PUB with four arguments      | PUB a b c 1\\r\\n",
            "PUB size not a number        | 'PUB foo bar       \\r\\n'",
            "PUB negative size            | PUB foo -1\\r\\n",
            "PUB size with sign           | PUB foo +1\\r\\n",
            "PUB size of ten digits       | PUB foo 0000000001\\r\\n",
            "PUB size overflowing int64   | PUB foo 33333333333333333333333333333333333333\\r\\n",
            "HPUB header above total      | HPUB foo 5 3\\r\\n",
            "HPUB header not a number     | HPUB foo x 3\\r\\n",
            "HPUB total not a number      | HPUB foo 1 y\\r\\n",
            "HPUB with two arguments      | HPUB foo 3\\r\\n",
            "HPUB with five arguments     | HPUB a b c 1 2\\r\\n",
            "SUB with one argument        | SUB foo\\r\\n",
            "SUB with no argument         | 'SUB  \\r\\n'",
            "SUB with four arguments      | SUB foo bar baz 22\\r\\n",
            "UNSUB with no argument       | 'UNSUB \\r\\n'",
            "UNSUB with only blanks       | 'UNSUB          \\t       \\r\\n'",
            "UNSUB with three arguments   | UNSUB 1 2 3\\r\\n",
        })
        void shouldReportProtocolViolationWhichClosesWithoutErrText(String name, String input) {
            assertParses(unescape(input), "ERROR PROTOCOL_VIOLATION");
            assertEquals(false, ProtocolError.PROTOCOL_VIOLATION.hasText());
            assertTrue(ProtocolError.PROTOCOL_VIOLATION.closesConnection());
        }

        @Test
        void shouldReportErrFromClientAsCloseWithoutReply() {
            assertParses("PING\r\n-ERR 'Unknown Protocol Operation'\r\nPING\r\n", "PING", "ERROR CLIENT_SENT_ERR");
            assertEquals(false, ProtocolError.CLIENT_SENT_ERR.hasText());
        }

        @Test
        void shouldDeliverFramesBeforeTheErrorAndNothingAfterIt() {
            assertParses("PING\r\nSUB a 1\r\nXPING\r\nPING\r\nPUB a 1\r\nx\r\n", "PING", "SUB a null 1",
                    "ERROR UNKNOWN_PROTOCOL_OPERATION");
        }

        @Test
        void shouldIgnoreInputAfterErrorUntilResetAndThenParseAgain() {
            Recorder recorder = new Recorder();
            NatsParser parser = new NatsParser(recorder, MAX_CONTROL_LINE, MAX_PAYLOAD);
            feed(parser, bytes("PUB foo 1\r\nxy\r\n"));
            feed(parser, bytes("PING\r\n"));
            assertEquals(List.of("ERROR UNKNOWN_PROTOCOL_OPERATION"), recorder.events);
            parser.reset();
            recorder.errorSeen = false;
            feed(parser, bytes("PING\r\nPUB a 1\r\nz\r\n"));
            assertEquals(List.of("ERROR UNKNOWN_PROTOCOL_OPERATION", "PING", "PUB a - -1 z"), recorder.events);
        }

        @Test
        void shouldForgetPartialFrameOnReset() {
            Recorder recorder = new Recorder();
            NatsParser parser = new NatsParser(recorder, MAX_CONTROL_LINE, MAX_PAYLOAD);
            feed(parser, bytes("PUB foo 10\r\nabc"));
            parser.reset();
            feed(parser, bytes("PING\r\n"));
            assertEquals(List.of("PING"), recorder.events);
        }
    }

    @Nested
    class Limits {
        private static final int LIMIT = 16;

        @Test
        void shouldAcceptControlLineExactlyAtTheLimit() {
            String args = "a".repeat(LIMIT - 2) + " 1";
            assertParses(LIMIT, MAX_PAYLOAD, "SUB " + args + "\r\n", "SUB " + "a".repeat(LIMIT - 2) + " null 1");
            assertParses(LIMIT, MAX_PAYLOAD, "SUB " + args + "\n", "SUB " + "a".repeat(LIMIT - 2) + " null 1");
        }

        @Test
        void shouldReportMaxControlLineOneByteOverTheLimit() {
            String args = "a".repeat(LIMIT - 1) + " 1";
            assertParses(LIMIT, MAX_PAYLOAD, "SUB " + args + "\r\n", "ERROR MAX_CONTROL_LINE_EXCEEDED");
            assertParses(LIMIT, MAX_PAYLOAD, "SUB " + args + "\n", "ERROR MAX_CONTROL_LINE_EXCEEDED");
        }

        @Test
        void shouldReportMaxControlLineBeforeTheLineEnds() {
            assertParses(LIMIT, MAX_PAYLOAD, "PUB " + "a".repeat(LIMIT + 1), "ERROR MAX_CONTROL_LINE_EXCEEDED");
        }

        @Test
        void shouldWaitForLineFeedWhenLimitIsReachedWithCarriageReturn() {
            assertParses(LIMIT, MAX_PAYLOAD, "SUB " + "a".repeat(LIMIT - 2) + " 1\r");
        }

        @Test
        void shouldNotCountVerbAndLeadingSpacesTowardsTheLimit() {
            assertParses(LIMIT, MAX_PAYLOAD, "PUB" + " ".repeat(3 * LIMIT) + "s 10\r\n0123456789\r\n",
                    "PUB s - -1 0123456789");
        }

        @Test
        void shouldApplyTheLimitToConnectJson() {
            assertParses(LIMIT, MAX_PAYLOAD, "CONNECT {\"name\":\"abcdefghij\"}\r\n",
                    "ERROR MAX_CONTROL_LINE_EXCEEDED");
        }

        @Test
        void shouldReportMaxControlLineBeforeArgumentErrors() {
            assertParses(LIMIT, MAX_PAYLOAD, "PUB a b c d e f g h i j\r\n", "ERROR MAX_CONTROL_LINE_EXCEEDED");
        }

        @Test
        void shouldNotLimitBytesIgnoredAfterPing() {
            assertParses(LIMIT, MAX_PAYLOAD, "PING" + "x".repeat(10 * LIMIT) + "\r\n", "PING");
        }

        @Test
        void shouldGrowTheScratchLineUpToALargeLimit() {
            // The scratch line starts at 4097 bytes; this line needs more.
            String subject = "s".repeat(4_200);
            assertParses(5_000, MAX_PAYLOAD, "PUB " + subject + " 1\r\nx\r\n", "PUB " + subject + " - -1 x");
        }

        @Test
        void shouldAcceptPayloadExactlyAtTheLimit() {
            assertParses(MAX_CONTROL_LINE, 10, "PUB a 10\r\n0123456789\r\nHPUB a 2 10\r\n0123456789\r\n",
                    "PUB a - -1 0123456789", "PUB a - 2 0123456789");
        }

        @Test
        void shouldReportMaxPayloadOnTheControlLineBeforeAnyPayloadByte() {
            assertParses(MAX_CONTROL_LINE, 10, "PUB a 11\r\n", "ERROR MAX_PAYLOAD_VIOLATION");
            assertParses(MAX_CONTROL_LINE, 10, "HPUB a 2 11\r\n", "ERROR MAX_PAYLOAD_VIOLATION");
            assertParses(MAX_CONTROL_LINE, 0, "PUB a 0\r\n\r\nPUB a 1\r\n", "PUB a - -1 ",
                    "ERROR MAX_PAYLOAD_VIOLATION");
        }

        @Test
        void shouldCheckArgumentsBeforeMaxPayloadLikeNatsServer() {
            assertParses(MAX_CONTROL_LINE, 10, "PUB a b c 99\r\n", "ERROR PROTOCOL_VIOLATION");
            assertParses(MAX_CONTROL_LINE, 10, "HPUB a 20 11\r\n", "ERROR PROTOCOL_VIOLATION");
        }

        @Test
        void shouldAcceptAnySizeWhenMaxPayloadIsNegative() {
            assertParses(MAX_CONTROL_LINE, -1, "PUB a 999999999\r\nabc");
        }

        @Test
        void shouldApplyLimitChangedDuringCallbackFromTheNextFrame() {
            NatsParser[] parser = new NatsParser[1];
            Recorder recorder = new Recorder() {
                @Override
                public void onConnect(String json) {
                    super.onConnect(json);
                    parser[0].setMaxPayload(4);
                }
            };
            parser[0] = new NatsParser(recorder, MAX_CONTROL_LINE, MAX_PAYLOAD);
            feed(parser[0], bytes("PUB a 5\r\n12345\r\nCONNECT {}\r\nPUB a 4\r\n1234\r\nPUB a 5\r\n"));
            assertEquals(List.of("PUB a - -1 12345", "CONNECT {}", "PUB a - -1 1234",
                    "ERROR MAX_PAYLOAD_VIOLATION"), recorder.events);
        }
    }

    @Nested
    class Buffers {
        @Test
        void shouldHandOutTheInboundBufferWhenTheMessageIsComplete() {
            ByteBuf in = Unpooled.copiedBuffer("PING\r\nPUB a 5\r\nhello\r\n", StandardCharsets.US_ASCII);
            ByteBuf[] seen = new ByteBuf[1];
            int[] index = new int[1];
            NatsParser parser = new NatsParser(new Recorder() {
                @Override
                public void onPublish(PublishFrame frame) {
                    seen[0] = frame.message();
                    index[0] = frame.messageIndex();
                }
            }, MAX_CONTROL_LINE, MAX_PAYLOAD);
            parser.parse(in);
            assertSame(in, seen[0]);
            assertEquals(15, index[0]);
            assertEquals(in.writerIndex(), in.readerIndex());
        }

        @Test
        void shouldGatherMessagesSpanningReadsIntoOneReusedBuffer() {
            List<ByteBuf> seen = new ArrayList<>();
            NatsParser parser = new NatsParser(new Recorder() {
                @Override
                public void onPublish(PublishFrame frame) {
                    seen.add(frame.message());
                }
            }, MAX_CONTROL_LINE, MAX_PAYLOAD);
            feed(parser, bytes("PUB a 5\r\nhel"), bytes("lo\r\nPUB b 3\r\nx"), bytes("yz\r\n"));
            assertEquals(2, seen.size());
            assertSame(seen.get(0), seen.get(1));
        }

        @Test
        void shouldNotOverwriteAGatheredMessageTheListenerRetained() {
            List<ByteBuf> retained = new ArrayList<>();
            NatsParser parser = new NatsParser(new Recorder() {
                @Override
                public void onPublish(PublishFrame frame) {
                    retained.add(frame.message().retainedSlice(frame.messageIndex(), frame.messageLength()));
                }
            }, MAX_CONTROL_LINE, MAX_PAYLOAD);
            feed(parser, bytes("PUB a 5\r\nhel"), bytes("lo\r\nPUB b 5\r\nwor"), bytes("ld\r\n"));
            assertEquals("hello", retained.get(0).toString(StandardCharsets.US_ASCII));
            assertEquals("world", retained.get(1).toString(StandardCharsets.US_ASCII));
            retained.forEach(ByteBuf::release);
        }

        @Test
        void shouldNotKeepAnOversizedGatherBufferAfterItsMessage() {
            List<ByteBuf> seen = new ArrayList<>();
            NatsParser parser = new NatsParser(new Recorder() {
                @Override
                public void onPublish(PublishFrame frame) {
                    seen.add(frame.message());
                }
            }, MAX_CONTROL_LINE, MAX_PAYLOAD);
            int big = NatsParser.RETAINED_PENDING_BYTES + 1;
            feed(parser, bytes("PUB a " + big + "\r\nx"), new byte[big - 1], bytes("\r\nPUB a 2\r\nx"),
                    bytes("y\r\n"));
            assertEquals(2, seen.size());
            assertNotSame(seen.get(0), seen.get(1));
        }

        @Test
        void shouldParseFromReaderIndexOfADirectBuffer() {
            ByteBuf in = Unpooled.directBuffer(64);
            in.writeBytes(bytes("garbagePUB a 2\r\nhi\r\n"));
            in.readerIndex(7);
            Recorder recorder = new Recorder();
            new NatsParser(recorder, MAX_CONTROL_LINE, MAX_PAYLOAD).parse(in);
            assertEquals(List.of("PUB a - -1 hi"), recorder.events);
            in.release();
        }
    }

    // ---- helpers shared with NatsParserFuzzTest ----

    static void assertParses(String input, String... expected) {
        assertParses(MAX_CONTROL_LINE, MAX_PAYLOAD, input, expected);
    }

    /** Whole, every cut, every pair of cuts (short inputs) and byte by byte: all give {@code expected}. */
    static void assertParses(int maxControlLine, int maxPayload, String input, String... expected) {
        byte[] wire = input.getBytes(StandardCharsets.UTF_8);
        List<String> want = List.of(expected);
        assertEquals(want, parseCut(maxControlLine, maxPayload, wire), "whole buffer");
        assertSameForEveryFragmentation(maxControlLine, maxPayload, wire, want);
    }

    static void assertSameForEveryFragmentation(int maxControlLine, int maxPayload, byte[] wire,
                                                List<String> want) {
        for (int cut = 1; cut < wire.length; cut++) {
            assertEquals(want, parseCut(maxControlLine, maxPayload, wire, cut), "cut at " + cut);
        }
        int[] everyByte = new int[Math.max(0, wire.length - 1)];
        Arrays.setAll(everyByte, k -> k + 1);
        assertEquals(want, parseCut(maxControlLine, maxPayload, wire, everyByte), "one byte at a time");
        if (wire.length <= 128) {
            for (int a = 1; a < wire.length; a++) {
                for (int b = a + 1; b < wire.length; b++) {
                    assertEquals(want, parseCut(maxControlLine, maxPayload, wire, a, b), "cuts at " + a + "," + b);
                }
            }
        }
    }

    /** Parses {@code wire} cut at the given ascending offsets, with a fresh parser. */
    static List<String> parseCut(int maxControlLine, int maxPayload, byte[] wire, int... cuts) {
        Recorder recorder = new Recorder();
        NatsParser parser = new NatsParser(recorder, maxControlLine, maxPayload);
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : wire.length;
            feed(parser, Arrays.copyOfRange(wire, from, to));
            from = to;
        }
        return recorder.events;
    }

    /**
     * Feeds each fragment in its own buffer, placed after a few junk bytes already read, checks that all
     * of it was consumed, then scribbles over it, as Netty would reuse a released buffer: a parser that
     * kept a reference to it would deliver the scribble.
     */
    static void feed(NatsParser parser, byte[]... fragments) {
        for (byte[] fragment : fragments) {
            ByteBuf in = Unpooled.buffer(fragment.length + 3);
            in.writeBytes(new byte[] {'#', '#', '#'}).writeBytes(fragment).readerIndex(3);
            parser.parse(in);
            assertEquals(in.writerIndex(), in.readerIndex(), "parse must consume every readable byte");
            in.setZero(0, in.capacity());
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Turns the two-character escapes {@code \r}, {@code \n} and {@code \t} of a CSV vector into bytes. */
    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    /** Records callbacks as text and checks the invariants every callback must satisfy. */
    static class Recorder implements ParserListener {
        final List<String> events = new ArrayList<>();
        boolean errorSeen;

        private void record(String event) {
            if (errorSeen) {
                fail("callback after onProtocolError: " + event);
            }
            events.add(event);
        }

        @Override
        public void onConnect(String json) {
            record("CONNECT " + escape(json));
        }

        @Override
        public void onInfo(String json) {
            record("INFO " + escape(json));
        }

        @Override
        public void onPublish(PublishFrame frame) {
            ByteBuf message = frame.message();
            int length = frame.messageLength();
            assertTrue(frame.subjectLength() > 0, "empty subject");
            assertTrue(frame.headerLength() <= length, "header above total");
            assertTrue(frame.messageIndex() >= 0 && frame.messageIndex() + length <= message.writerIndex(),
                    "message outside its buffer");
            String subject = new String(frame.line(), frame.subjectOffset(), frame.subjectLength(),
                    StandardCharsets.ISO_8859_1);
            String reply = frame.hasReply() ? new String(frame.line(), frame.replyOffset(),
                    frame.replyLength(), StandardCharsets.ISO_8859_1) : "-";
            String body = message.toString(frame.messageIndex(), length, StandardCharsets.ISO_8859_1);
            record("PUB " + escape(subject) + " " + escape(reply) + " " + frame.headerLength() + " "
                    + escape(body));
        }

        @Override
        public void onSubscribe(String subject, String queue, String sid) {
            record("SUB " + escape(subject) + " " + (queue == null ? "null" : escape(queue)) + " " + escape(sid));
        }

        @Override
        public void onUnsubscribe(String sid, long maxMessages) {
            record("UNSUB " + escape(sid) + " " + maxMessages);
        }

        @Override
        public void onPing() {
            record("PING");
        }

        @Override
        public void onPong() {
            record("PONG");
        }

        @Override
        public void onProtocolError(ProtocolError error) {
            record("ERROR " + error.name());
            errorSeen = true;
        }
    }
}
