package dev.sluice.bench.store;

import dev.sluice.bench.workload.GatewayInput;
import dev.sluice.store.Fingerprint;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import dev.sluice.store.StoreBatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What fingerprinting a gateway's user id costs, apart from the store: a freshly decoded 33-character id
 * ({@link GatewayInput}), hashed from the {@code String} a unit at a time ({@code fromString}) and through a
 * {@link StoreBatch}, which copies the units into its scratch and reads them a word at a time
 * ({@code throughBatch}). {@code decodeOnly} is the decoding alone: read each row net of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+AlwaysPreTouch", "-Xms1g", "-Xmx1g"})
public class FingerprintBenchmark {
    private KeyedStore store;
    private Fingerprint fingerprint;
    private final StoreBatch batch = new StoreBatch();
    private final long[] lo = new long[1];
    private byte[] userBytes;
    private long seed;

    @Setup(Level.Trial)
    public void setUp() {
        store = KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1024).build();
        fingerprint = store.fingerprint();
        seed = fingerprint.seed(1);
        userBytes = GatewayInput.userId(42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public String decodeOnly() {
        return GatewayInput.decode(userBytes);
    }

    @Benchmark
    public long fromString() {
        return fingerprint.of(seed, GatewayInput.decode(userBytes), lo, 0) ^ lo[0];
    }

    @Benchmark
    public long throughBatch() {
        int i = batch.clear().add(fingerprint, seed, GatewayInput.decode(userBytes), 1, 1, 1);
        return i;
    }
}
