package io.halyard.cli.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code halyard pub/sub/req/reply} end to end against a Halyard server in this JVM. */
@Timeout(60)
class CliMessagingTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    @Test
    void shouldDeliverAPublishedMessageToASubscriber() throws Exception {
        CompletableFuture<CliRun> sub = CompletableFuture.supplyAsync(() -> cli("sub", "greet.*", "--count", "1", "--raw"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sub.isDone() && System.nanoTime() < deadline) {
            assertEquals(0, cli("pub", "greet.joe", "hello").exitCode());
            Thread.sleep(100);
        }
        CliRun run = sub.get(30, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("hello\n", run.out());
        assertTrue(run.err().startsWith("listening on greet.*"), run.toString());
    }

    @Test
    void shouldAnswerARequestWithReply() throws Exception {
        CompletableFuture<CliRun> reply = CompletableFuture.supplyAsync(
                () -> cli("reply", "help.me", "ask me", "--count", "1", "--quiet"));
        CliRun req = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            req = cli("req", "help.me", "question", "--raw");
            if (req.exitCode() == 0) {
                break;
            }
            Thread.sleep(100); // the responder is not subscribed yet: no responders
        }
        assertEquals(0, req.exitCode(), req.toString());
        assertEquals("ask me\n", req.out());
        assertEquals(0, reply.get(30, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void shouldSayThereAreNoRespondersInOneLine() {
        CliRun req = cli("req", "nobody.home", "hello?");
        assertEquals(1, req.exitCode(), req.toString());
        assertEquals("halyard: no reply: no responders on nobody.home\n", req.err());
    }
}
