package dev.sluice.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A backend that could not decide a request (down, timed out, an unreadable reply, a limit it could not
 * evaluate), and what the fail mode did instead. Off unless a recording enables {@code dev.sluice.BackendFailure}.
 */
@Name("dev.sluice.BackendFailure")
@Label("Backend Failure")
@Category({"Sluice", "Backends"})
@Description("A backend could not decide a request; the fail mode decided it")
@Enabled(false)
@StackTrace(false)
final class BackendFailureEvent extends Event {
    @Label("Backend")
    String backend;

    @Label("Fail Mode")
    @Description("open, closed or local: what decided the request instead")
    String failMode;

    @Label("Failure")
    @Description("The failure's class and message, or the reason a limit could not be evaluated")
    String failure;
}
