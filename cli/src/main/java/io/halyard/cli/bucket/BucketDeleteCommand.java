package io.halyard.cli.bucket;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code BUCKET [MEMBER] [--force]}: deletes one member of a bucket (a key, an object), or with
 * {@code --force} and no member the whole bucket. The NATS CLI asks before deleting a bucket; halyard, which
 * never asks, wants {@code --force} so that a forgotten member name cannot delete a bucket.
 *
 * <p>A subclass declares the member parameter (index 1, its own label and description) and says how a
 * member and a bucket are deleted; the guard, the connection and what is printed are the same for both.
 */
public abstract class BucketDeleteCommand implements Callable<Integer> {

    @Mixin
    protected ConnectionOptions connection;

    @Mixin
    protected OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    protected String bucket;

    @Option(names = {"-f", "--force"}, description = "Needed to delete a whole bucket.")
    boolean force;

    private final String memberNoun;
    private final String memberJsonField;

    /**
     * @param memberNoun what a member is called in the text output ("Deleted key K from bucket B")
     * @param memberJsonField the member's field in the JSON output
     */
    protected BucketDeleteCommand(String memberNoun, String memberJsonField) {
        this.memberNoun = memberNoun;
        this.memberJsonField = memberJsonField;
    }

    /** The member named on the command line, or null for the whole bucket. */
    protected abstract String member();

    protected abstract void deleteMember(Connection nc, String member) throws Exception;

    /** Deletes the bucket; a missing bucket is an error, as a missing stream is. */
    protected abstract void deleteBucket(Connection nc) throws Exception;

    @Override
    public final Integer call() throws Exception {
        String member = member();
        if (member == null && !force) {
            throw new ParameterException(spec.commandLine(), "deleting the whole bucket " + bucket + " needs --force");
        }
        try (Connection nc = connection.connect()) {
            if (member != null) {
                deleteMember(nc, member);
            } else {
                deleteBucket(nc);
            }
        }
        if (output.json()) {
            output.printJson(Json.object().put("bucket", bucket).put(memberJsonField, member).put("deleted", true).build());
        } else {
            output.println(member != null ? "Deleted " + memberNoun + " " + member + " from bucket " + bucket : "Deleted bucket " + bucket);
        }
        return 0;
    }
}
