package io.halyard.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsContextTest {

    @Test
    void shouldKeepContextsUnderXdgConfigHomeOrElseDotConfig() {
        assertEquals(Path.of("/x/nats"), NatsContext.Store.of(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")).natsConfigDir());
        assertEquals(Path.of("/h/.config/nats"), NatsContext.Store.of(Map.of("HOME", "/h")).natsConfigDir());
    }

    @Test
    void shouldLoadTheContextSelectedInContextTxt(@TempDir Path root) throws Exception {
        Path nats = root.resolve("nats");
        Files.createDirectories(nats.resolve("context"));
        Files.writeString(nats.resolve("context").resolve("prod.json"), "{\"url\":\"nats://prod:4222\",\"user\":\"u\","
                + "\"password\":\"p\",\"creds\":\"~/prod.creds\",\"tls_first\":true,\"jetstream_domain\":\"hub\"}");
        NatsContext.Store store = new NatsContext.Store(nats, Path.of("/home/me"));

        assertSame(NatsContext.NONE, store.resolve(null), "nothing selected yet");
        Files.writeString(nats.resolve("context.txt"), "prod\n");
        NatsContext prod = store.resolve(null);
        assertEquals("prod", prod.name());
        assertEquals("nats://prod:4222", prod.url());
        assertEquals("u", prod.user());
        assertEquals("p", prod.password());
        assertEquals(Path.of("/home/me/prod.creds").toString(), prod.creds());
        assertTrue(prod.tlsFirst());
        assertEquals("hub", prod.jsDomain());
        assertNull(prod.token());
    }

    @Test
    void shouldLoadANamedContextOrAJsonFileAndRefuseUnknownOnes(@TempDir Path root) throws Exception {
        Path nats = root.resolve("nats");
        Files.createDirectories(nats.resolve("context"));
        Files.writeString(nats.resolve("context").resolve("dev.json"), "{\"url\":\"nats://dev:4222\"}");
        Path file = Files.writeString(root.resolve("other.json"), "{\"token\":\"t\"}");
        NatsContext.Store store = new NatsContext.Store(nats, root);

        assertEquals("nats://dev:4222", store.resolve("dev").url());
        assertEquals("t", store.resolve(file.toString()).token());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> store.resolve("staging"));
        assertTrue(unknown.getMessage().startsWith("unknown context 'staging'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.resolve("../dev"));
        Files.writeString(nats.resolve("context").resolve("broken.json"), "{not json");
        assertThrows(IllegalArgumentException.class, () -> store.resolve("broken"));
    }
}
