package io.halyard.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfParserTest {

    private static ConfMap parse(String text) {
        return parse(text, Map.of());
    }

    private static ConfMap parse(String text, Map<String, String> env) {
        return ConfParser.parseString(text, "t.conf", Path.of(""), env);
    }

    private static Object plain(String text, String key) {
        return parse(text).get(key).toPlain();
    }

    private static ConfigException error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    @Nested
    class KeyValueForms {

        @ParameterizedTest
        @ValueSource(strings = {"port: 4222", "port = 4222", "port 4222", "port:4222", "port=4222",
                "port\t4222", "  port   :   4222  ", "port: 4222;", "port: 4222,", "\"port\": 4222",
                "'port' = 4222", "{ port: 4222 }", "{\n  \"port\": 4222\n}\n"})
        void shouldAcceptEverySeparatorForm(String text) {
            assertEquals(4222L, plain(text, "port"));
        }

        @Test
        void shouldReadSeveralValuesOnOneLineWithSemicolonsOrCommas() {
            ConfMap m = parse("foo='1'; bar=2.2; baz=true, boo=22");
            assertEquals("1", m.get("foo").toPlain());
            assertEquals(2.2, m.get("bar").toPlain());
            assertEquals(true, m.get("baz").toPlain());
            assertEquals(22L, m.get("boo").toPlain());
        }

        @Test
        void shouldIgnoreBothCommentStyles() {
            ConfMap m = parse("# hash comment\n// slash comment\na = 1 # trailing\nb = 2 // trailing too\n");
            assertEquals(2, m.size());
            assertEquals(2L, m.get("b").toPlain());
        }

        @Test
        void shouldKeepTheLastValueOfARepeatedKeyAtItsLastPlace() {
            ConfMap m = parse("a = 1\nb = 2\na = 3\n");
            assertEquals(3L, m.get("a").toPlain());
            assertEquals(List.of("b", "a"), m.entries().stream().map(ConfEntry::key).toList());
        }

        @Test
        void shouldTolerateATrailingClosingBraceAsNatsServerDoes() {
            assertEquals(Map.of("users", List.of(Map.of())),
                    plain("accounts { users = [{}]}\n}\n", "accounts"));
        }

        @Test
        void shouldMergeNestedAnonymousBlocksIntoTheTopLevel() {
            ConfMap m = parse("{\n  {\n    listen: 0.0.0.0:4222 // comment\n  }\n  # c\n}\n# after\n");
            assertEquals("0.0.0.0:4222", m.get("listen").toPlain());
        }

        @Test
        void shouldAcceptAnEmptyFileAndAFileOfComments() {
            assertTrue(parse("").isEmpty());
            assertTrue(parse("\n\n   # only comments\n  // here\n").isEmpty());
            assertTrue(parse("{}").isEmpty());
        }

        @Test
        void shouldReadWindowsLineEndings() {
            ConfMap m = parse("# c\r\nport: 4222\r\nm {\r\n  a = [x,\r\n    y] // c\r\n}\r\nb (\r\ntext\r\n)\r\n");
            assertEquals(4222L, m.get("port").toPlain());
            assertEquals(Map.of("a", List.of("x", "y")), m.get("m").toPlain());
            assertEquals("\r\ntext\r\n", m.get("b").toPlain());
        }

        @Test
        void shouldReadAKeyWrittenRightBeforeItsBlock() {
            assertEquals(Map.of("user", "a"), plain("authorization{ user: a }", "authorization"));
        }
    }

    @Nested
    class Scalars {

        @ParameterizedTest
        @CsvSource({"true,true", "TRUE,true", "yes,true", "on,true", "On,true", "false,false", "no,false",
                "off,false", "OFF,false"})
        void shouldReadBooleanWords(String word, boolean expected) {
            assertEquals(expected, plain("b = " + word, "b"));
        }

        @Test
        void shouldKeepQuotedBooleanWordsAsStrings() {
            assertEquals("true", plain("b = \"true\"", "b"));
        }

        @ParameterizedTest
        @CsvSource({"8k,8000", "4kb,4096", "3ki,3072", "4KiB,4096", "1m,1000000", "2MB,2097152",
                "2Mi,2097152", "64MiB,67108864", "2g,2000000000", "22GB,23622320128", "1K,1000", "1MB,1048576",
                "1t,1000000000000", "1TB,1099511627776", "1p,1000000000000000", "1PB,1125899906842624",
                "1e,1000000000000000000", "1EB,1152921504606846976", "-5k,-5000", "0,0", "-1,-1"})
        void shouldApplySizeSuffixesDecimalForALetterAndBinaryWithBOrI(String word, long expected) {
            assertEquals(expected, plain("n = " + word, "n"));
        }

        @Test
        void shouldReadAnUnquotedTwoMAsTwoMillionNotAsADuration() {
            // nats-server's lexer: 'm' is a size suffix, so "2m" must be quoted to mean two minutes.
            assertEquals(2_000_000L, plain("d = 2m", "d"));
            assertEquals("2m", plain("d = \"2m\"", "d"));
            assertEquals("10s", plain("d = 10s", "d"));
            assertEquals("500ms", plain("d = 500ms", "d"));
            assertEquals("1h", plain("d = 1h", "d"));
        }

        @Test
        void shouldReadFloatsNegativeNumbersAndDates() {
            assertEquals(0.5, plain("f = 0.5", "f"));
            assertEquals(-1.5, plain("f = -1.5", "f"));
            assertEquals(-42L, plain("n = -42", "n"));
            assertEquals(Instant.parse("2016-05-04T18:53:41Z"), plain("d = 2016-05-04T18:53:41Z", "d"));
        }

        @Test
        void shouldReadWordsThatStartWithADigitButAreNotNumbersAsStrings() {
            assertEquals("127.0.0.1:4222", plain("listen: 127.0.0.1:4222", "listen"));
            assertEquals("127.0.0.1", plain("listen: 127.0.0.1", "listen"));
            assertEquals("3xyz", plain("v = 3xyz", "v"));
            assertEquals(":4222", plain("listen = :4222", "listen"));
            assertEquals("nats://u:p@host:4222", plain("url = nats://u:p@host:4222", "url"));
        }

        @Test
        void shouldReadQuotedStringsWithEscapesOnlyInDoubleQuotes() {
            assertEquals("a\tb\nc\"d\\e", plain("s = \"a\\tb\\nc\\\"d\\\\e\"", "s"));
            assertEquals("a\\tb", plain("s = 'a\\tb'", "s"));
            assertEquals("é", plain("s = \"\\xc3\\xa9\"", "s"));
            assertEquals("", plain("s = \"\"", "s"));
            assertEquals("", plain("s = ''", "s"));
            assertEquals("multi\nline", plain("s = 'multi\nline'", "s"));
            assertEquals("(true == \"false\")", plain("s = '(true == \"false\")'", "s"));
        }

        @Test
        void shouldReadABlockStringUpToAClosingParenthesisAloneOnItsLine() {
            assertEquals("\n  12(34)56\n  (\n    7890\n  )\n",
                    plain("numbers (\n  12(34)56\n  (\n    7890\n  )\n)\nnext = 1\n", "numbers"));
        }
    }

    @Nested
    class ArraysAndMaps {

        @Test
        void shouldSeparateArrayValuesByCommasOrNewLines() {
            assertEquals(List.of("a", "b", "c"), plain("x = [a, b, c]", "x"));
            assertEquals(List.of("a", "b", "c"), plain("x = [\n  a\n  b, # comment\n  c,\n]", "x"));
            assertEquals(List.of(1L, 2L), plain("x = [1, 2]", "x"));
            assertEquals(List.of(), plain("x = []", "x"));
        }

        @Test
        void shouldNestMapsAndArrays() {
            Object foo = plain("foo {\n  host {\n    ip = '127.0.0.1'\n    port = 4242\n  }\n"
                    + "  servers = [ \"a.com\", \"b.com\" ]\n}\n", "foo");
            assertEquals(Map.of("host", Map.of("ip", "127.0.0.1", "port", 4242L),
                    "servers", List.of("a.com", "b.com")), foo);
            assertEquals(List.of(Map.of("abc", 123L), Map.of("xyz", "word")),
                    plain("array [\n  { abc: 123 }\n  { xyz: \"word\" }\n]", "array"));
        }

        @Test
        void shouldAllowAValueOnTheLineAfterTheSeparatorInsideMaps() {
            assertEquals(Map.of("a", 1L), plain("m {\n  a =\n    1\n}", "m"));
        }

        @Test
        void shouldRememberWhereEveryValueIs() {
            ConfMap m = parse("a {\n  b = [x,\n    y]\n}\n");
            ConfEntry a = m.entry("a");
            assertEquals(new ConfPosition("t.conf", 1, 1), a.keyPosition());
            assertEquals(new ConfPosition("t.conf", 1, 3), a.value().position());
            ConfEntry b = a.value().asMap().entry("b");
            assertEquals(new ConfPosition("t.conf", 2, 3), b.keyPosition());
            assertEquals(new ConfPosition("t.conf", 3, 5), b.value().asList().get(1).position());
        }
    }

    @Nested
    class Variables {

        @Test
        void shouldResolveAVariableDefinedEarlierAndMarkItUsed() {
            ConfMap m = parse("index = 22\nfoo = $index\n");
            assertEquals(22L, m.get("foo").toPlain());
            assertTrue(m.get("index").isUsedAsVariable());
            assertFalse(m.get("foo").isUsedAsVariable());
            assertEquals(new ConfPosition("t.conf", 2, 7), m.get("foo").position());
        }

        @Test
        void shouldPreferTheInnermostScope() {
            ConfMap m = parse("index = 22\nnest {\n  index = 11\n  foo = $index\n}\nbar = $index\n");
            assertEquals(Map.of("index", 11L, "foo", 11L), m.get("nest").toPlain());
            assertEquals(22L, m.get("bar").toPlain());
        }

        @Test
        void shouldSeeEnclosingMapsThroughArrays() {
            ConfMap m = parse("PASS = s3cret\nusers = [ {user: a, password: $PASS} ]\n");
            assertEquals(List.of(Map.of("user", "a", "password", "s3cret")), m.get("users").toPlain());
        }

        @Test
        void shouldReuseAMapOrArrayValue() {
            ConfMap m = parse("PERMS = { publish: [\"a.>\"] }\nx = $PERMS\n");
            assertEquals(Map.of("publish", List.of("a.>")), m.get("x").toPlain());
        }

        @Test
        void shouldFallBackToTheEnvironmentAndParseItsValue() {
            Map<String, String> env = Map.of("NUM", "22", "STR", "xyz", "QUOTED", "'3xyz'", "SIZE", "1MB",
                    "LIST", "[a, b]", "EMPTY", "");
            ConfMap m = parse("a = $NUM\nb = $STR\nc = $QUOTED\nd = $SIZE\ne = $LIST\nf = $EMPTY\n", env);
            assertEquals(22L, m.get("a").toPlain());
            assertEquals("xyz", m.get("b").toPlain());
            assertEquals("3xyz", m.get("c").toPlain());
            assertEquals(1_048_576L, m.get("d").toPlain());
            assertEquals(List.of("a", "b"), m.get("e").toPlain());
            assertEquals("", m.get("f").toPlain());
            assertEquals(new ConfPosition("t.conf", 1, 5), m.get("a").position());
        }

        @Test
        void shouldPreferAFileVariableOverTheEnvironment() {
            assertEquals(1L, parse("X = 1\ny = $X", Map.of("X", "2")).get("y").toPlain());
        }

        @Test
        void shouldFollowEnvironmentVariablesThatReferToOthers() {
            assertEquals(5L, parse("y = $A", Map.of("A", "$B", "B", "5")).get("y").toPlain());
        }

        @Test
        void shouldReportAnEnvironmentCycle() {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse("y = $A", Map.of("A", "$B", "B", "$A")));
            assertTrue(e.getMessage().contains("variable reference cycle for 'A'"), e.getMessage());
        }

        @Test
        void shouldReportAnUndefinedVariableWithItsPosition() {
            assertEquals("t.conf:2:7: variable reference for 'index' can not be found"
                    + " (not defined above nor in the environment)", error("a = 1\nfoo = $index").getMessage());
        }

        @Test
        void shouldNotSeeAVariableDefinedLater() {
            error("foo = $later\nlater = 1");
        }

        @Test
        void shouldTakeBcryptHashesLiterally() {
            String hash = "$2a$11$dZM98SpGeI7dCFFGSpt.JObQcix8YHml4TBUZoge9R1uxnMIln5ly";
            assertEquals(hash, plain("password: " + hash, "password"));
        }

        @Test
        void shouldNotTreatAQuotedDollarAsAVariable() {
            assertEquals("$HOME", plain("s = \"$HOME\"", "s"));
        }
    }

    @Nested
    class Includes {

        @TempDir
        Path dir;

        private Path write(String name, String text) throws IOException {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return p;
        }

        @Test
        void shouldIncludeRelativeToTheIncludingFileInPlace() throws IOException {
            write("auth/passwords.conf", "ALICE_PASS: $2a$10$abcdefghijklmnopqrstuv\nBOB_PASS: bobpw\n");
            write("auth/users.conf", "include ./passwords.conf;\nusers = [\n  {user: alice, password: $ALICE_PASS}\n"
                    + "  {user: bob, password: $BOB_PASS}\n]\n");
            Path main = write("main.conf", "listen: 127.0.0.1:4222\nauthorization {\n"
                    + "  include 'auth/users.conf' # pull in from file\n  timeout: 0.5\n}\n");
            ConfMap m = ConfParser.parseFile(main, Map.of());
            ConfMap auth = m.get("authorization").asMap();
            assertEquals(List.of(Map.of("user", "alice", "password", "$2a$10$abcdefghijklmnopqrstuv"),
                    Map.of("user", "bob", "password", "bobpw")), auth.get("users").toPlain());
            assertEquals(0.5, auth.get("timeout").toPlain());
            assertTrue(auth.get("BOB_PASS").isUsedAsVariable(), "marked in the included file");
            assertEquals(dir.resolve("auth").resolve("./passwords.conf").toString(),
                    auth.get("BOB_PASS").position().source());
        }

        @ParameterizedTest
        @ValueSource(strings = {"include other.conf", "include \"other.conf\"", "include 'other.conf'",
                "INCLUDE other.conf", "include other.conf; b = 2", "m { include other.conf }"})
        void shouldAcceptEveryIncludeForm(String line) throws IOException {
            write("other.conf", "a = 1\n");
            ConfMap m = ConfParser.parseFile(write("main.conf", line + "\n"), Map.of());
            ConfMap where = m.get("m") == null ? m : m.get("m").asMap();
            assertEquals(1L, where.get("a").toPlain());
        }

        @Test
        void shouldNotShareTheIncludersVariablesWithTheIncludedFile() throws IOException {
            write("inc.conf", "b = $A\n");
            Path main = write("main.conf", "A = 1\ninclude inc.conf\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.parseFile(main, Map.of()));
            assertTrue(e.getMessage().startsWith(dir.resolve("inc.conf") + ":1:5: variable reference for 'A'"),
                    e.getMessage());
            assertEquals(7L, ConfParser.parseFile(main, Map.of("A", "7")).get("b").toPlain());
        }

        @Test
        void shouldReportAnErrorInsideAnIncludedFileAtItsPlace() throws IOException {
            write("bad.conf", "\n\n  x = [1,,2]\n");
            Path main = write("main.conf", "a = 1\ninclude bad.conf\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.parseFile(main, Map.of()));
            assertEquals(dir.resolve("bad.conf") + ":3:10: unexpected ',' in array: expected a value or ']'"
                    + " (in a file included at " + main + ":2:1)", e.getMessage());
        }

        @Test
        void shouldReportAMissingIncludeAtTheIncludeLine() throws IOException {
            Path main = write("main.conf", "a = 1\n  include nope.conf\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.parseFile(main, Map.of()));
            assertEquals(new ConfPosition(main.toString(), 2, 3), e.position());
            assertTrue(e.getMessage().contains("cannot read config file"), e.getMessage());
        }

        @Test
        void shouldDetectAnIncludeCycle() throws IOException {
            write("a.conf", "include b.conf\n");
            write("b.conf", "include a.conf\n");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfParser.parseFile(dir.resolve("a.conf"), Map.of()));
            assertTrue(e.getMessage().contains("include cycle"), e.getMessage());
        }
    }

    @Nested
    class Errors {

        static Stream<Arguments> malformed() {
            return Stream.of(
                    arguments("a = 1 b = 2", "t.conf:1:7: expected a new line, ';' or ',' after the value, found 'b'"),
                    arguments("aaaa", "t.conf:1:1: key 'aaaa' has no value"),
                    arguments("a = \"abc", "t.conf:1:5: unterminated quoted string"),
                    arguments("a = 'abc", "t.conf:1:5: unterminated quoted string"),
                    arguments("a = [1,,2]", "t.conf:1:8: unexpected ',' in array: expected a value or ']'"),
                    arguments("a = [1 2]", "t.conf:1:8: expected ',', a new line or ']' after an array value,"
                            + " found '2'"),
                    arguments("a = .5", "t.conf:1:5: a number must start with a digit, not '.'"),
                    arguments("a = \"\\q\"", "t.conf:1:7: invalid escape 'q'; only \\xXX, \\t, \\n, \\r, \\\""
                            + " and \\\\ are allowed"),
                    arguments("a = \"\\xZZ\"", "t.conf:1:8: expected two hexadecimal digits after '\\x', found 'Z'"),
                    arguments("a = 1kbb", "t.conf:1:5: invalid size suffix 'kbb' in '1kbb'; use k, kb, ki, kib, m,"
                            + " mb, mi, mib, g, gb, … (k = 1000, kb = ki = kib = 1024)"),
                    arguments("a = 99999999999999999999", "t.conf:1:5: integer '99999999999999999999' is out of range"),
                    arguments("a = 9999999999999999E", "t.conf:1:5: integer '9999999999999999E' is out of range"),
                    arguments("= 1", "t.conf:1:1: expected a key, found '='"),
                    arguments("a = 1\n}\nb = 2", "t.conf:2:1: unexpected '}' without a matching '{'"),
                    arguments("include [x]", "t.conf:1:9: expected the name of a file to include, found '['"),
                    arguments("a =\n 1", "t.conf:1:4: expected a value, found a new line"));
        }

        @ParameterizedTest
        @MethodSource("malformed")
        void shouldReportWhatAndWhere(String text, String message) {
            assertEquals(message, error(text).getMessage());
        }

        @Test
        void shouldReportAnUnclosedBlockAtTheEndOfTheFile() {
            assertEquals("t.conf:3:1: end of file inside the block opened at t.conf:1:6; missing '}'",
                    error("auth {\n  user: a\n").getMessage());
            assertEquals("t.conf:2:1: end of file inside the array opened at t.conf:1:5; missing ']'",
                    error("a = [1,\n").getMessage());
        }

        @Test
        void shouldReportAMissingFile(@TempDir Path dir) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfParser.parseFile(dir.resolve("none.conf"), Map.of()));
            assertEquals(null, e.position());
            assertTrue(e.getMessage().startsWith("cannot read config file"), e.getMessage());
        }
    }
}
