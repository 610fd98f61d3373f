package dev.sluice.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A request refused by a limit (enforce mode), one event per refusing limit. The key is recorded as a hash
 * under a secret drawn once per process, never as the identity: an event names which key was refused
 * (equal keys give equal hashes within one process) without carrying a user's or tenant's name. Off unless
 * a recording enables {@code dev.sluice.Refused}.
 */
@Name("dev.sluice.Refused")
@Label("Request Refused")
@Category({"Sluice", "Decisions"})
@Description("A request was refused by a limit")
@Enabled(false)
@StackTrace(false)
final class RefusedEvent extends Event {
    @Label("Limit")
    @Description("The refusing limit's key space: user, tenant, tool, or a custom limit's name")
    String limit;

    @Label("Key Hash")
    @Description("A keyed hash of the refused key's parts; the identity itself is never recorded")
    long keyHash;

    @Label("Count")
    @Description("Units the limit allows per window")
    long count;

    @Label("Window")
    @Timespan(Timespan.SECONDS)
    long windowSeconds;

    @Label("Retry After")
    @Timespan(Timespan.NANOSECONDS)
    long retryAfterNanos;

    @Label("Permits")
    @Description("Units the request asked for")
    long permits;
}
