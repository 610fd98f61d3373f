package dev.sluice.redis;

import dev.sluice.redis.RedisBackend.Part;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces concurrent checks into script calls: at most one call is in flight from a coalescer, and the checks
 * that arrive while it is form the next call. Standalone Redis and Sentinel have one coalescer, a Cluster one per
 * hash slot (a script's keys must share a slot).
 *
 * <h2>Protocol</h2>
 * A part (one check's keys, or on a Cluster the keys of one check that share a slot) is offered to the queue;
 * then the offering thread tries to take the {@code calling} flag. The taker drains the queue, up to
 * {@link #MAX_PARTS} parts in arrival order, skipping parts whose check has already settled (timed out), and
 * sends them as one call. While that call is in flight the flag stays taken, so later parts only queue. When the
 * reply (or a failure) arrives, on Lettuce's event loop, the next call is sent first, from whatever has queued,
 * and then the finished call's answers are delivered, so Redis works on the next call while callers are woken.
 * When the queue is empty the flag is dropped; a part offered between the drain that found nothing and the drop
 * would be left behind, so the queue is looked at once more after the drop and the flag taken again if needed.
 *
 * <p>A lone caller finds the flag free and sends at once, from its own thread: no timer, no added latency. A
 * caller that arrives during a call waits at most for that call to finish before its own is sent; every check
 * keeps its own time bound, enforced by the backend, and a check that settled while queued is never sent.
 *
 * <p>Thread-safe: any thread may {@link #submit}.
 */
final class Coalescer {
    /** The most parts one call carries; with at most three keys each, at most 192 keys. */
    static final int MAX_PARTS = 64;

    /** Sends one call for a group of parts and delivers its answers. */
    interface Sender {
        /**
         * @param parts the call's parts, in arrival order
         * @return a future completed with the call's reply, or exceptionally; it may already be complete
         */
        CompletableFuture<ScriptReply> send(Part[] parts);

        /** Hands each part its answers from {@code reply}, or {@code failure} to each. */
        void deliver(Part[] parts, ScriptReply reply, Throwable failure);
    }

    private final ConcurrentLinkedQueue<Part> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean calling = new AtomicBoolean();
    private final Sender sender;
    /** Where {@link #take} gathers a call's parts; used only by the holder of the flag. */
    private final Part[] gathered = new Part[MAX_PARTS];

    Coalescer(Sender sender) {
        this.sender = sender;
    }

    /** Queues a part; sends a call at once when none is in flight. */
    void submit(Part part) {
        queue.offer(part);
        if (!calling.get() && calling.compareAndSet(false, true)) {
            drain();
        }
    }

    /** Runs with the flag taken: sends calls until one is in flight, or drops the flag when nothing is queued. */
    private void drain() {
        while (true) {
            Part[] parts = take();
            if (parts == null) {
                calling.set(false);
                // Linearizes here: a part offered before this read is seen now and taken by whoever wins the flag;
                // a part offered after it sees the flag free when its own thread tries to take it.
                if (queue.isEmpty() || !calling.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            CompletableFuture<ScriptReply> call;
            try {
                call = sender.send(parts);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            if (call.isDone()) {
                // Finished already (a connection that rejects commands): no callback, so no recursion.
                deliver(parts, call);
                continue;
            }
            call.whenComplete((reply, failure) -> {
                drain();
                sender.deliver(parts, reply, failure);
            });
            return;
        }
    }

    private void deliver(Part[] parts, CompletableFuture<ScriptReply> done) {
        ScriptReply reply = null;
        Throwable failure = null;
        try {
            reply = done.join();
        } catch (RuntimeException e) {
            failure = e;
        }
        sender.deliver(parts, reply, failure);
    }

    /** @return the queued parts of unsettled checks, at most {@link #MAX_PARTS}, or null when there are none */
    private Part[] take() {
        int n = 0;
        Part p;
        while (n < MAX_PARTS && (p = queue.poll()) != null) {
            if (!p.check().settled()) {
                gathered[n++] = p;
            }
        }
        if (n == 0) {
            return null;
        }
        Part[] taken = Arrays.copyOf(gathered, n);
        Arrays.fill(gathered, 0, n, null);
        return taken;
    }
}
