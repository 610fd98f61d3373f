/**
 * Sluice's public API: configuration, rates, decisions, headers and metadata, the backend SPI, and the
 * embedded off-heap backend.
 */
module dev.sluice.engine {
    requires dev.sluice.store;
    requires jdk.jfr;

    exports dev.sluice;
    exports dev.sluice.spi;

    uses dev.sluice.spi.BackendProvider;
}
