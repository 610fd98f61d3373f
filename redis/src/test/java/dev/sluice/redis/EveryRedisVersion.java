package dev.sluice.redis;

import dev.sluice.redis.testing.RedisServerBinary;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test class once for every Redis version {@link RedisServerBinary#versions()} finds (the installed
 * server and the embedded 6.2, or the one {@code sluice.redis.server} names). Each run is named by its server,
 * e.g. {@code redis 6.2.11 (embedded)}, and a failed assertion's message starts with that name, since the test
 * reports give a run only its index ({@code [1]}, {@code [2]}). The class declares a {@code @Parameter} field for
 * the server; its {@code @BeforeParameterizedClassInvocation} methods may then take the server as an argument.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@MethodSource("dev.sluice.redis.testing.RedisServerBinary#versions")
@ExtendWith(EveryRedisVersion.NameTheServerOnFailure.class)
@interface EveryRedisVersion {

    /** Prefixes a failed assertion with the name of the run, {@code redis <version> (<source>)}. */
    final class NameTheServerOnFailure implements TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
                String name = c.get().getDisplayName();
                if (name.startsWith("redis ") && failure instanceof AssertionError) {
                    AssertionError named = new AssertionError("[" + name + "] " + failure.getMessage(), failure);
                    named.setStackTrace(failure.getStackTrace());
                    throw named;
                }
            }
            throw failure;
        }
    }
}
