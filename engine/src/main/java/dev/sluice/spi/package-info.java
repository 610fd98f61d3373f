/**
 * The backend service-provider interface: how a storage backend (the embedded off-heap store, Redis, or a
 * test model) evaluates one request's dimensions. A backend receives a {@link dev.sluice.spi.Batch} holding
 * every active dimension of one request and writes each dimension's outcome back into it, so that a remote
 * backend can answer the whole request in one round trip.
 */
package dev.sluice.spi;
