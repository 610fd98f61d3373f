package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Closing the store frees its memory; callers racing with close get only a clean exception. */
class CloseTest {

    @Test
    void acquireAfterCloseThrowsStoreIsClosed() {
        KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).build();
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.acquire(StoreTesting.key("k"), 1, StoreTesting.SECOND, StoreTesting.SECOND, new AcquireResult()));
        assertEquals("store is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> store.reclaimExpired(StoreTesting.SECOND));
        store.close();
        assertTrue(store.isClosed());
    }

    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void closeWhileThreadsAcquireEndsOnlyInStoreIsClosed(StoreAlgorithm algorithm) throws Exception {
        long deadline = System.nanoTime() + StoreTesting.stressNanos() / 3;
        int iterations = 0;
        while (iterations < 30 || System.nanoTime() < deadline) {
            closeOnce(StoreTesting.builder(algorithm).maxKeys(256), iterations++);
        }
    }

    /** Tables of 2 MiB and more are mapped with huge pages where the JVM may (NativeMemory): same guarantee. */
    @ParameterizedTest
    @EnumSource(StoreAlgorithm.class)
    void closeWhileThreadsAcquireOnMappedTablesEndsOnlyInStoreIsClosed(StoreAlgorithm algorithm) throws Exception {
        for (int iteration = 0; iteration < 10; iteration++) {
            closeOnce(StoreTesting.builder(algorithm).maxKeys(1 << 17), iteration);
        }
    }

    private static void closeOnce(KeyedStore.Builder builder, int iteration) throws Exception {
        KeyedStore store = builder.reclaimGraceNanos(0).build();
        int threads = 4;
        CountDownLatch started = new CountDownLatch(threads);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicLong clock = new AtomicLong(StoreTesting.SECOND);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                AcquireResult out = new AcquireResult();
                started.countDown();
                try {
                    for (long i = 0; ; i++) {
                        long now = clock.addAndGet(1_000);
                        if (thread == 0 && (i & 63) == 0) {
                            store.reclaimExpired(now, 32);
                        }
                        String key = "key-" + (i % 500);
                        store.acquire(key, 3, StoreTesting.MS, now, out);
                    }
                } catch (IllegalStateException e) {
                    if (!"store is closed".equals(e.getMessage())) {
                        unexpected.add(e);
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }
        started.await();
        Thread.sleep(iteration % 3);
        store.close();
        for (Thread worker : workers) {
            worker.join();
        }
        assertTrue(unexpected.isEmpty(), () -> "iteration " + iteration + ": " + unexpected.peek());
    }
}
