package dev.sluice;

import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A backend whose answers a test writes by hand, and which records what the engine asked of it.
 *
 * <p>Not thread-safe.
 */
class ScriptedBackend implements Backend {
    private final Consumer<Batch> script;
    final List<String> requests = new ArrayList<>();
    boolean closed;

    ScriptedBackend(Consumer<Batch> script) {
        this.script = script;
    }

    /** @return a backend that fails every request with {@code failure} */
    static ScriptedBackend throwing(RuntimeException failure) {
        return new ScriptedBackend(batch -> {
            throw failure;
        });
    }

    /** @return a backend that admits everything with 9 remaining and a reset 60 s away */
    static ScriptedBackend admitting() {
        return new ScriptedBackend(batch -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.allow(i, 9, 60_000_000_000L);
            }
        });
    }

    @Override
    public void evaluate(Batch batch) {
        StringBuilder request = new StringBuilder("tenant=" + batch.tenant());
        for (int i = 0; i < batch.size(); i++) {
            request.append(' ').append(batch.keySpace(i));
            for (int j = 0; j < batch.partCount(i); j++) {
                request.append(j == 0 ? ':' : '|').append(batch.part(i, j));
            }
        }
        requests.add(request.toString());
        script.accept(batch);
    }

    @Override
    public void close() {
        closed = true;
    }
}
