package io.halyard.cli.kv;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code halyard kv …}: key-value buckets through jnats' KeyValue API, as the NATS CLI's {@code nats kv}. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Key-value buckets: create them, put, get, delete and watch keys, list keys and history.",
        subcommands = {KvAddCommand.class, KvPutCommand.class, KvGetCommand.class, KvDelCommand.class, KvLsCommand.class,
            KvWatchCommand.class, KvHistoryCommand.class, KvInfoCommand.class})
public final class KvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, put, get, del, ls, watch, history or info");
    }
}
