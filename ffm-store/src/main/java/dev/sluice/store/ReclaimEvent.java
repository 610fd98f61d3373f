package dev.sluice.store;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A sweep of the reclaimer that was not a new key's own small share: a paced step, the catch-up sweep after
 * an idle spell, an explicit {@link KeyedStore#reclaimExpired} call, or making room for a new key that
 * found none. Off unless a recording enables {@code dev.sluice.Reclaim}.
 */
@Name("dev.sluice.Reclaim")
@Label("Reclaim Sweep")
@Category({"Sluice", "Embedded Store"})
@Description("Expired keys reclaimed by one sweep of the embedded store")
@Enabled(false)
@StackTrace(false)
final class ReclaimEvent extends Event {
    /** A paced step of the sweep that crosses the table once a day. */
    static final String PACED = "paced";
    /** The whole-table sweep of the first request after an idle spell. */
    static final String CATCH_UP = "catch-up";
    /** {@link KeyedStore#reclaimExpired}. */
    static final String EXPLICIT = "explicit";
    /** A new key found no free slot in its probe window, or the table at capacity. */
    static final String ROOM = "room";

    @Label("Kind")
    @Description("paced, catch-up, explicit, or room (a new key found no room)")
    String kind;

    @Label("Slots Swept")
    long slots;

    @Label("Keys Reclaimed")
    long reclaimed;

    @Label("Live Keys")
    @Description("Keys the store holds after the sweep")
    long liveKeys;

    @Label("Capacity")
    @Description("The most keys the store holds (memory_max_keys)")
    long capacity;
}
