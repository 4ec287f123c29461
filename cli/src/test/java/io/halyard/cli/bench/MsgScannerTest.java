package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MsgScannerTest {

    /** Writes every event as one line of text, so whole sequences compare with assertEquals. */
    private static final class Recorder implements MsgScanner.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void onMessage(MsgScanner f) {
            events.add((f.hasHeaders() ? "HMSG " : "MSG ") + f.subject() + " sid=" + f.sid() + " reply=" + f.reply()
                    + " hdr=" + f.headerBytes() + " total=" + f.totalBytes() + " prefix=" + Long.toHexString(f.payloadPrefix())
                    + "/" + f.payloadPrefixLength());
        }

        @Override
        public void onPing() {
            events.add("PING");
        }

        @Override
        public void onPong() {
            events.add("PONG");
        }

        @Override
        public void onControl(byte[] line, int length) {
            events.add("CONTROL " + new String(line, 0, length, StandardCharsets.US_ASCII));
        }
    }

    /** A stream exercising every frame kind the scanner must tell apart. */
    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n");
        // MSG <subject> <sid> <size>, payload "hello"
        write(out, "MSG foo 1 5\r\nhello\r\n");
        // MSG with a reply subject and an empty payload
        write(out, "MSG foo.bar 22 _INBOX.abc 0\r\n\r\n");
        write(out, "PING\r\n");
        // HMSG <subject> <sid> <reply> <header bytes = 12> <total = 12 + 9>; payload starts with a sequence
        write(out, "HMSG h.s 3 rep 12 21\r\nNATS/1.0\r\n\r\n");
        out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 1, 2, 'z'});
        write(out, "\r\n");
        // MSG whose binary payload looks like protocol: the scanner must not look inside bodies
        write(out, "MSG bin 7 16\r\n");
        out.writeBytes(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
        write(out, "\r\nMSG x ");
        write(out, "\r\n");
        // HMSG without reply; header-only (a status message such as 503 no responders)
        write(out, "HMSG _INBOX.r 9 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
        write(out, "+OK\r\n-ERR 'Unknown Protocol Operation'\r\nPONG\r\n");
        // short payload: fewer bytes than the prefix wants; tabs and extra spaces between arguments
        write(out, "MSG\ts  4\t\t3\r\nabc\r\n");
        return out.toByteArray();
    }

    private static final List<String> EXPECTED = List.of(
            "CONTROL INFO {\"server_id\":\"x\",\"max_payload\":1048576}",
            "MSG foo sid=1 reply=null hdr=0 total=5 prefix=68656c6c6f/5",
            "MSG foo.bar sid=22 reply=_INBOX.abc hdr=0 total=0 prefix=0/0",
            "PING",
            "HMSG h.s sid=3 reply=rep hdr=12 total=21 prefix=102/8",
            "MSG bin sid=7 reply=null hdr=0 total=16 prefix=102030405060708/8",
            "HMSG _INBOX.r sid=9 reply=null hdr=16 total=16 prefix=0/0",
            "CONTROL +OK",
            "CONTROL -ERR 'Unknown Protocol Operation'",
            "PONG",
            "MSG s sid=4 reply=null hdr=0 total=3 prefix=616263/3");

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRecogniseEveryFrameInOneRead() {
        Recorder recorder = new Recorder();
        byte[] bytes = stream();
        new MsgScanner(recorder, 8, 4096).feed(bytes, 0, bytes.length);
        assertEquals(EXPECTED, recorder.events);
    }

    @Test
    void shouldGiveTheSameFramesWhenSplitAtEveryByteBoundary() {
        byte[] bytes = stream();
        for (int split = 0; split <= bytes.length; split++) {
            Recorder recorder = new Recorder();
            MsgScanner scanner = new MsgScanner(recorder, 8, 4096);
            scanner.feed(bytes, 0, split);
            scanner.feed(bytes, split, bytes.length - split);
            assertEquals(EXPECTED, recorder.events, "split at byte " + split);
        }
    }

    @Test
    void shouldGiveTheSameFramesWhenSplitAtEveryPairOfBoundaries() {
        byte[] bytes = stream();
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                Recorder recorder = new Recorder();
                MsgScanner scanner = new MsgScanner(recorder, 8, 4096);
                scanner.feed(bytes, 0, a);
                scanner.feed(bytes, a, b - a);
                scanner.feed(bytes, b, bytes.length - b);
                assertEquals(EXPECTED, recorder.events, "split at bytes " + a + " and " + b);
            }
        }
    }

    @Test
    void shouldGiveTheSameFramesFedOneByteAtATime() {
        byte[] bytes = stream();
        Recorder recorder = new Recorder();
        MsgScanner scanner = new MsgScanner(recorder, 8, 4096);
        for (int i = 0; i < bytes.length; i++) {
            scanner.feed(bytes, i, 1);
        }
        assertEquals(EXPECTED, recorder.events);
    }

    @Test
    void shouldKeepNoPrefixWhenNoneIsWanted() {
        Recorder recorder = new Recorder();
        byte[] bytes = "MSG foo 1 5\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        new MsgScanner(recorder, 0, 4096).feed(bytes, 0, bytes.length);
        assertEquals(List.of("MSG foo sid=1 reply=null hdr=0 total=5 prefix=0/0"), recorder.events);
    }

    @Test
    void shouldTreatANonNumericSidAsUnknown() {
        Recorder recorder = new Recorder();
        byte[] bytes = "MSG foo abc 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        new MsgScanner(recorder, 0, 4096).feed(bytes, 0, bytes.length);
        assertEquals(List.of("MSG foo sid=-1 reply=null hdr=0 total=0 prefix=0/0"), recorder.events);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "MSG foo 1\r\n",                 // too few arguments
        "MSG foo 1 a b 5\r\n",           // too many arguments
        "MSG foo 1 5x\r\nhello\r\n",     // size not a number
        "MSGfoo 1 5\r\nhello\r\n",       // no blank after the verb: unknown operation
        "HMSG foo 1 9 5\r\nhello\r\n",   // header bytes exceed total
        "MSG foo 1 2\r\nabXY",           // body not followed by CRLF
        "MSG foo 1 2\r\nab\rX",          // CR not followed by LF
        "PING\n",                        // LF without CR
        "HELLO\r\n",                     // unknown operation
        "MSG foo 1 99999999999\r\n",     // size beyond an int
    })
    void shouldRejectMalformedFrames(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.US_ASCII);
        MsgScanner scanner = new MsgScanner(new Recorder(), 8, 4096);
        assertThrows(MsgScanner.ScanException.class, () -> scanner.feed(bytes, 0, bytes.length));
    }

    @Test
    void shouldRejectAControlLineLongerThanTheLimit() {
        byte[] bytes = ("INFO {" + "x".repeat(100) + "}\r\n").getBytes(StandardCharsets.US_ASCII);
        MsgScanner scanner = new MsgScanner(new Recorder(), 0, 64);
        assertThrows(MsgScanner.ScanException.class, () -> scanner.feed(bytes, 0, bytes.length));
    }

    @Test
    void shouldAcceptAnInfoLineLongerThanItsInitialBuffer() {
        Recorder recorder = new Recorder();
        String info = "INFO {\"connect_urls\":[\"" + "1".repeat(5000) + "\"]}";
        byte[] bytes = (info + "\r\n").getBytes(StandardCharsets.US_ASCII);
        new MsgScanner(recorder, 0, 1 << 20).feed(bytes, 0, bytes.length);
        assertEquals(List.of("CONTROL " + info), recorder.events);
    }
}
