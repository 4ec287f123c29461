package io.halyard.cli.objectstore;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code halyard obj …}: object buckets through jnats' ObjectStore API, as the NATS CLI's {@code nats object}. */
@Command(name = "obj", aliases = "object", mixinStandardHelpOptions = true,
        description = "Object buckets: create them, put and get files, list and remove objects.",
        subcommands = {ObjAddCommand.class, ObjPutCommand.class, ObjGetCommand.class, ObjLsCommand.class, ObjRmCommand.class,
            ObjInfoCommand.class})
public final class ObjCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, put, get, ls, rm or info");
    }
}
