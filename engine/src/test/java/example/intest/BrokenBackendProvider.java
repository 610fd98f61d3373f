package example.intest;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Settings;
import java.util.List;

/** {@code backend: broken}: a provider whose reading of its settings throws, as a faulty third party's might. */
public final class BrokenBackendProvider implements BackendProvider<Void> {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public BrokenBackendProvider() {
    }

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public List<String> keys() {
        return List.of("broken_setting");
    }

    @Override
    public Void parse(Settings settings, BackendContext context) {
        throw new IllegalStateException("cannot read broken_setting");
    }

    @Override
    public Backend create(Void options, BackendContext context) {
        throw new AssertionError("never created: its settings were never read");
    }
}
