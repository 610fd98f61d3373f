package dev.sluice.bench.peers;

/** Where a benchmarked limiter takes time from. */
public enum TimeMode {
    /** From the caller, one fixed step per request: deterministic, so every implementation makes the same decisions. */
    SYNTHETIC,
    /** From the system clock, as in production; needed for multi-threaded runs on shared keys. */
    REAL
}
