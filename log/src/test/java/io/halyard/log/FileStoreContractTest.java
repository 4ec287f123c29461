package io.halyard.log;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The stream-store contract, run against the file store (with its restarts). */
class FileStoreContractTest extends StreamStoreContractTest {

    @Override
    protected StreamStore open(StoreOptions options) {
        try {
            return FileStore.open(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean keepsMessagesAcrossReopen() {
        return true;
    }
}
