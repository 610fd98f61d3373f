package dev.sluice.store;

/** Helpers shared by the store's tests. */
final class StoreTesting {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    private StoreTesting() {
    }

    static KeyedStore.Builder builder(StoreAlgorithm algorithm) {
        return KeyedStore.builder(algorithm).maxKeys(1024).hashSeed(42);
    }

    static String key(String text) {
        return text;
    }

    /** Stress duration from -Dsluice.stress.seconds (2 by default, 60 with -Pstress). */
    static long stressNanos() {
        return Integer.getInteger("sluice.stress.seconds", 2) * SECOND;
    }
}
