package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.ProgressBar;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard obj get BUCKET NAME}: writes an object to a file ({@code -O}; default: the object's name
 * in the current directory; {@code -O -}: stdout). jnats checks the digest; the file appears only once the
 * whole object has arrived and matched it, so a failed transfer leaves no partial file.
 */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Write an object of a bucket to a file.")
public final class ObjGetCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", paramLabel = "NAME", description = "Object name.")
    String name;

    @Option(names = {"-O", "--output"}, paramLabel = "FILE", description = "Where to write; - for stdout (default: the object's name).")
    String outputFile;

    @Option(names = {"-f", "--force"}, description = "Overwrite FILE if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        boolean toStdout = "-".equals(outputFile);
        if (toStdout && output.json()) {
            throw new ParameterException(spec.commandLine(), "--json and -O - both want stdout");
        }
        Path target = toStdout ? null : Path.of(outputFile != null ? outputFile : Path.of(name).getFileName().toString());
        if (target != null && Files.exists(target) && !force) {
            throw new CommandFailure(target + " exists; use --force to overwrite it");
        }
        try (Connection nc = connection.connect()) {
            ObjectStore store = connection.objectStore(nc, bucket);
            ObjectInfo about = store.getInfo(name);
            if (about == null || about.isDeleted()) {
                throw new CommandFailure("no object " + name + " in bucket " + bucket);
            }
            ProgressBar progress = output.progress(name, about.getSize());
            ObjectInfo info;
            if (toStdout) {
                OutputStream stdout = progress.counting(new FileOutputStream(FileDescriptor.out));
                info = store.get(name, stdout);
                stdout.flush();
            } else {
                Path absolute = target.toAbsolutePath();
                Path partial = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
                try {
                    try (OutputStream out = progress.counting(Files.newOutputStream(partial))) {
                        info = store.get(name, out);
                    }
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            progress.finish();
            if (output.json()) {
                output.printJson(ObjViews.json(info));
            } else {
                String line = String.format("Wrote %s (%s) to %s", name, ByteSizes.format(info.getSize()),
                        toStdout ? "stdout" : target);
                if (toStdout) {
                    output.err().println(line);
                } else {
                    output.println(line);
                }
            }
        }
        return 0;
    }
}
