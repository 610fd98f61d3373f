/**
 * Off-heap, lock-free keyed state for Sluice's three algorithms. Knows keys, slabs and state machines;
 * nothing of users, tenants, headers or configuration.
 */
module dev.sluice.store {
    requires jdk.jfr;

    exports dev.sluice.store;
}
