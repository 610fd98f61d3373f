package dev.sluice.redis;

import dev.sluice.spi.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The syntax of {@code redis_url}, checked when a configuration is built so that a URL the Redis client would
 * refuse, or worse read differently (its parser takes {@code redis://h:abc} for the host {@code "h:abc"} on the
 * default port), is refused with the rest of the configuration's problems. Three forms:
 *
 * <pre>
 * redis://[[user:]password@]host[:port][/database][?options]          one server; rediss:// for TLS
 * redis://host1:7000,redis://host2:7001,...                           Cluster seeds, each a URL of its own
 * redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/database][?options]#master
 * </pre>
 *
 * A host is a DNS name (letters, digits, {@code -} and {@code .}, as {@link URI} reads a server authority), an
 * IPv4 address, or an IPv6 literal in brackets (not in a Sentinel list); a port is 1 to 65535; a database is a
 * number. A Sentinel URL names its master in its fragment or as {@code ?sentinelMasterId=}. Whether the hosts
 * resolve and answer is for the client to find out when it connects.
 *
 * <p>Stateless and thread-safe.
 */
final class RedisUrl {
    static final String SENTINEL_SCHEME = "redis-sentinel://";
    static final String SHAPE = "expected redis://, rediss:// or redis-sentinel:// URLs, comma-separated for cluster seeds";

    private RedisUrl() {
    }

    /** {@return true when {@code url} (already stripped) is a Sentinel URL, whose commas list sentinels, not seeds} */
    static boolean isSentinel(String url) {
        return url.startsWith(SENTINEL_SCHEME);
    }

    /**
     * @param url the stripped {@code redis_url}
     * @return what is wrong with it, without the input (the caller quotes it), or {@code null} when it is valid
     */
    static String problemWith(String url) {
        if (url.isEmpty()) {
            return SHAPE;
        }
        if (isSentinel(url)) {
            return sentinelProblem(url);
        }
        String[] seeds = url.split(",", -1);
        for (int i = 0; i < seeds.length; i++) {
            String seed = seeds[i].strip();
            String problem = seed.isEmpty() ? "is empty" : serverProblem(seed);
            if (problem != null) {
                return seeds.length == 1 ? problem
                        : "seed " + (i + 1) + " of " + seeds.length + " (" + Settings.quote(seed) + ") " + problem;
            }
        }
        return null;
    }

    /** A {@code redis://} or {@code rediss://} URL of one server. */
    private static String serverProblem(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return SHAPE;
        }
        String scheme = url.substring(0, schemeEnd);
        if (scheme.equals("redis-sentinel")) {
            return "a redis-sentinel:// URL lists its sentinels itself and is never one of several cluster seeds";
        }
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            String hint = scheme.toLowerCase(Locale.ROOT).equals(scheme) ? "" : " (schemes are lower-case)";
            return "scheme \"" + scheme + "\" is not one of redis, rediss, redis-sentinel" + hint;
        }
        String rest = url.substring(schemeEnd + 3);
        int authorityEnd = indexOfAny(rest, "/?#");
        String authority = rest.substring(0, authorityEnd);
        String problem = userInfoProblem(authority);
        if (problem == null) {
            problem = hostPortProblem(authority.substring(authority.indexOf('@') + 1));
        }
        if (problem == null) {
            problem = pathProblem(rest.substring(authorityEnd));
        }
        if (problem == null) {
            problem = uriProblem(url);
        }
        return problem;
    }

    private static String sentinelProblem(String url) {
        String rest = url.substring(SENTINEL_SCHEME.length());
        int hash = rest.indexOf('#');
        String master = hash < 0 ? "" : rest.substring(hash + 1);
        String beforeFragment = hash < 0 ? rest : rest.substring(0, hash);
        int authorityEnd = indexOfAny(beforeFragment, "/?");
        String authority = beforeFragment.substring(0, authorityEnd);
        String userInfoProblem = userInfoProblem(authority);
        if (userInfoProblem != null) {
            return userInfoProblem;
        }
        String userInfoEnd = authority.substring(0, authority.indexOf('@') + 1);
        String[] hosts = authority.substring(userInfoEnd.length()).split(",", -1);
        for (int i = 0; i < hosts.length; i++) {
            String problem = hosts[i].startsWith("[")
                    ? "IPv6 literals are not supported in a Sentinel list; use a host name"
                    : hostPortProblem(hosts[i]);
            if (problem != null) {
                return hosts.length == 1 ? problem : "sentinel " + (i + 1) + " of " + hosts.length + " " + problem;
            }
        }
        String tail = beforeFragment.substring(authorityEnd);
        String problem = pathProblem(tail);
        if (problem != null) {
            return problem;
        }
        if (master.isEmpty() && !hasOption(tail, "sentinelMasterId")) {
            return "a Sentinel URL names its master: add #<master>, e.g. redis-sentinel://host:26379#mymaster";
        }
        return uriProblem("redis://" + userInfoEnd + "localhost" + tail + (hash < 0 ? "" : "#" + master));
    }

    /**
     * An authority holds at most one {@code @}, the one after the user information; the characters of the user
     * information itself are left to {@link #uriProblem}.
     */
    private static String userInfoProblem(String authority) {
        int at = authority.indexOf('@');
        return at >= 0 && authority.indexOf('@', at + 1) >= 0
                ? "has more than one '@': write an '@' in a user name or password as %40" : null;
    }

    private static String hostPortProblem(String hostPort) {
        String host;
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return "host " + Settings.quote(hostPort) + " opens an IPv6 literal with '[' and never closes it";
            }
            host = hostPort.substring(0, close + 1);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                return "host " + Settings.quote(hostPort) + " has text after its IPv6 literal";
            }
            port = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return "has no host";
        }
        if (!validHost(host)) {
            return "host " + Settings.quote(host) + " is not a host name or IP address";
        }
        if (port != null && !validPort(port)) {
            return "port " + Settings.quote(port) + " is not a number from 1 to 65535";
        }
        return null;
    }

    /** {@code [/database][?options][#fragment]}: the database, when given, is a number. */
    private static String pathProblem(String tail) {
        if (!tail.startsWith("/")) {
            return null;
        }
        int end = indexOfAny(tail, "?#");
        String database = tail.substring(1, end);
        for (int i = 0; i < database.length(); i++) {
            if (database.charAt(i) < '0' || database.charAt(i) > '9') {
                return "database " + Settings.quote(database) + " is not a number";
            }
        }
        return null;
    }

    /** The last word: {@link URI} must read the URL with a server authority (host and port it understands). */
    private static String uriProblem(String url) {
        try {
            URI uri = new URI(url);
            return uri.getHost() == null ? "is not a valid URL" : null;
        } catch (URISyntaxException e) {
            return "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
    }

    private static boolean validHost(String host) {
        try {
            URI uri = new URI("redis://" + host + "/");
            return host.equals(uri.getHost());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65_535;
    }

    private static boolean hasOption(String tail, String name) {
        int q = tail.indexOf('?');
        if (q < 0) {
            return false;
        }
        for (String option : tail.substring(q + 1).split("&")) {
            if (option.startsWith(name + "=") && option.length() > name.length() + 1) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
