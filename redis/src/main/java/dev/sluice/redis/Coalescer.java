package dev.sluice.redis;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Coalesces concurrent checks into script calls: at most {@link #MAX_IN_FLIGHT} calls are in flight from a
 * coalescer, and the checks that arrive while all of them are form the next call. Standalone Redis and Sentinel
 * have one coalescer, a Cluster one per hash slot (a script's keys must share a slot).
 *
 * <h2>Protocol</h2>
 * A part (one check's keys, or on a Cluster the keys of one check that share a slot) is offered to the queue;
 * then the offering thread tries to take a turn ({@code calling} counts the turns taken, at most
 * {@link #MAX_IN_FLIGHT}). A turn's holder drains the queue, up to {@link #MAX_PARTS} parts in arrival order,
 * skipping parts whose check has already settled (timed out; the check is told, see {@link Check#skipped}) unless
 * they take a charge back, and sends them as one call. It keeps the turn while
 * that call is in flight, so once every turn is taken later parts only queue. When the reply (or a failure)
 * arrives, on Lettuce's event loop, the next call is sent first with the same turn, from whatever has queued,
 * and then the finished call's answers are delivered, so Redis works on the next call while callers are woken.
 * When the queue is empty the turn is given back; a part offered between the drain that found nothing and the
 * give-back would be left behind, so the queue is looked at once more after it and a turn taken again if needed.
 *
 * <p>A lone caller finds a turn free and sends at once, from its own thread: no timer, no added latency; so do
 * the first {@link #MAX_IN_FLIGHT} concurrent callers, whose calls Lettuce pipelines on the connection. A caller
 * that arrives when every turn is taken waits at most for one of those calls to finish before its own is sent;
 * every check keeps its own time bound, enforced by the backend, and a check that settled while queued is never
 * sent. Checks that overlap in time may be evaluated in either order (two turns may send at once); a check that
 * began after another completed is evaluated after it.
 *
 * <p>Thread-safe: any thread may {@link #submit}.
 */
final class Coalescer {
    /** The most parts one call carries, whatever their keys. */
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

    /**
     * The most calls in flight at once. One keeps Redis idle while the client reads a reply and wakes its
     * callers; with a few, Redis works on one call while the client handles another. Measured at 8 and 64
     * callers on a 2-core machine (RedisCheckBenchmark): throughput at 8 callers rose from 1, 2, 4 to 8 in
     * flight, and stayed level at 64, where calls still carry many checks each.
     */
    static final int MAX_IN_FLIGHT = 8;

    private final ConcurrentLinkedQueue<Part> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calling = new AtomicInteger();
    private final Sender sender;

    Coalescer(Sender sender) {
        this.sender = sender;
    }

    /** Queues a part; sends a call at once when none is in flight. */
    void submit(Part part) {
        queue.offer(part);
        if (takeTurn()) {
            drain();
        }
    }

    private boolean takeTurn() {
        for (int n = calling.get(); n < MAX_IN_FLIGHT; n = calling.get()) {
            if (calling.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Runs with the flag taken: sends calls until one is in flight, or drops the flag when nothing is queued. */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback hands the reply or failure to the sender
    private void drain() {
        while (true) {
            Part[] parts = take();
            if (parts == null) {
                calling.decrementAndGet();
                // Linearizes here: a part offered before this read is seen now and taken by whoever wins a turn;
                // a part offered after it finds a turn free when its own thread tries to take one.
                if (queue.isEmpty() || !takeTurn()) {
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

    /** {@return the queued parts of unsettled checks, at most {@link #MAX_PARTS}, or null when there are none} */
    private Part[] take() {
        Part[] gathered = null;
        int n = 0;
        Part p;
        while (n < MAX_PARTS && (p = queue.poll()) != null) {
            if (p.check().settled() && !p.compensating()) {
                p.check().skipped(p);
            } else {
                if (gathered == null) {
                    // Not sized by queue.size(): that walks the whole queue on every call.
                    gathered = new Part[Math.min(MAX_PARTS, MAX_IN_FLIGHT)];
                } else if (n == gathered.length) {
                    gathered = Arrays.copyOf(gathered, Math.min(MAX_PARTS, 2 * n));
                }
                gathered[n++] = p;
            }
        }
        return n == 0 ? null : n == gathered.length ? gathered : Arrays.copyOf(gathered, n);
    }
}
