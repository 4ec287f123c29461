package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.ProgressBar;
import io.nats.client.Connection;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard obj put BUCKET FILE}: stores a file (or stdin, {@code -}, with {@code --name}) in chunks,
 * replacing an object of the same name; a progress bar shows at a terminal. {@code --json} prints the
 * object's info as stored.
 */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Store a file in an object bucket.")
public final class ObjPutCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", paramLabel = "FILE", description = "File to store; - for stdin (then --name is needed).")
    String file;

    @Option(names = "--name", paramLabel = "NAME", description = "Object name (default: the file's name).")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description of the object.")
    String description;

    @Override
    public Integer call() throws Exception {
        boolean stdin = file.equals("-");
        if (stdin && name == null) {
            throw new ParameterException(spec.commandLine(), "reading stdin needs --name");
        }
        Path path = stdin ? null : Path.of(file);
        if (path != null && !Files.isRegularFile(path)) {
            throw new CommandFailure("no such file: " + file);
        }
        String objectName = name != null ? name : path.getFileName().toString();
        ObjectMeta.Builder meta = ObjectMeta.builder(objectName);
        if (description != null) {
            meta.description(description);
        }
        ProgressBar progress = output.progress(objectName, path == null ? -1 : Files.size(path));
        ObjectInfo info;
        try (Connection nc = connection.connect();
             InputStream in = progress.counting(stdin ? System.in : Files.newInputStream(path))) {
            info = connection.objectStore(nc, bucket).put(meta.build(), in);
        }
        progress.finish();
        if (output.json()) {
            output.printJson(ObjViews.json(info));
        } else {
            output.println(String.format("Stored %s in bucket %s: %s in %,d chunk%s, %s", objectName, bucket,
                    ByteSizes.format(info.getSize()), info.getChunks(), info.getChunks() == 1 ? "" : "s", info.getDigest()));
        }
        return 0;
    }
}
