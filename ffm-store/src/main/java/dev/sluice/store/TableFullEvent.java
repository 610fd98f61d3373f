package dev.sluice.store;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A new key refused because the table holds its capacity of live keys, after the reclaimer found nothing
 * expired to make room. Off unless a recording enables {@code dev.sluice.TableFull}.
 */
@Name("dev.sluice.TableFull")
@Label("Table Full")
@Category({"Sluice", "Embedded Store"})
@Description("A new key was refused: the embedded store holds its capacity of live keys")
@Enabled(false)
@StackTrace(false)
final class TableFullEvent extends Event {
    @Label("Live Keys")
    long liveKeys;

    @Label("Capacity")
    @Description("The most keys the store holds (memory_max_keys)")
    long capacity;

    @Label("Refusals")
    @Description("New keys refused for a full table since the store was built")
    long refusals;
}
