package io.halyard.cli.jetstream;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The NATS CLI's words for JetStream's policies, as picocli converters: {@code --storage file|memory}
 * (also {@code f}, {@code m}), {@code --retention limits|interest|workq} ({@code work} too),
 * {@code --discard old|new}, {@code --ack none|all|explicit}, {@code --replay instant|original}.
 */
public final class Policies {

    private Policies() {
    }

    private static String word(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }

    public static final class Storage implements ITypeConverter<StorageType> {
        @Override
        public StorageType convert(String value) {
            return switch (word(value)) {
                case "file", "f" -> StorageType.File;
                case "memory", "m", "mem" -> StorageType.Memory;
                default -> throw new TypeConversionException("storage is file or memory, not '" + value + "'");
            };
        }
    }

    public static final class Retention implements ITypeConverter<RetentionPolicy> {
        @Override
        public RetentionPolicy convert(String value) {
            return switch (word(value)) {
                case "limits" -> RetentionPolicy.Limits;
                case "interest" -> RetentionPolicy.Interest;
                case "workq", "work", "workqueue" -> RetentionPolicy.WorkQueue;
                default -> throw new TypeConversionException("retention is limits, interest or workq, not '" + value + "'");
            };
        }
    }

    public static final class Discard implements ITypeConverter<DiscardPolicy> {
        @Override
        public DiscardPolicy convert(String value) {
            return switch (word(value)) {
                case "old" -> DiscardPolicy.Old;
                case "new" -> DiscardPolicy.New;
                default -> throw new TypeConversionException("discard is old or new, not '" + value + "'");
            };
        }
    }

    public static final class Ack implements ITypeConverter<AckPolicy> {
        @Override
        public AckPolicy convert(String value) {
            return switch (word(value)) {
                case "none" -> AckPolicy.None;
                case "all" -> AckPolicy.All;
                case "explicit" -> AckPolicy.Explicit;
                default -> throw new TypeConversionException("ack is none, all or explicit, not '" + value + "'");
            };
        }
    }

    public static final class Replay implements ITypeConverter<ReplayPolicy> {
        @Override
        public ReplayPolicy convert(String value) {
            return switch (word(value)) {
                case "instant" -> ReplayPolicy.Instant;
                case "original" -> ReplayPolicy.Original;
                default -> throw new TypeConversionException("replay is instant or original, not '" + value + "'");
            };
        }
    }
}
