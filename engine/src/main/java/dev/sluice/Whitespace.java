package dev.sluice;

/**
 * White space as Python's {@code str.isspace()} defines it, and {@code str.strip()} with it: the system whose
 * identities Sluice keys on trimmed users, tenants and tools that way, so the same request must give the same
 * key here. The set is U+0009–U+000D, U+001C–U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
 * U+202F, U+205F and U+3000. It differs from {@link String#strip()}, whose {@link Character#isWhitespace} leaves
 * out U+0085 and the no-break spaces U+00A0, U+2007 and U+202F. Every member is in the Basic Multilingual
 * Plane, so a {@code char} test is exact.
 *
 * <p>Stateless and thread-safe.
 */
final class Whitespace {

    private Whitespace() {
    }

    /** {@return true when Python's {@code str.isspace()} is true for the one-character string {@code c}} */
    static boolean isSpace(char c) {
        if (c <= ' ') {
            return c >= '\u001c' || (c >= '\t' && c <= '\r');
        }
        if (c < '\u0085') {
            return false;
        }
        return c == '\u0085' || c == '\u00a0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200a')
                || c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }

    /** {@return true when {@code s} is not empty and neither starts nor ends with white space: strip would keep it} */
    static boolean unpadded(String s) {
        int n = s.length();
        return n > 0 && !isSpace(s.charAt(0)) && !isSpace(s.charAt(n - 1));
    }

    /** {@return {@code s} without leading and trailing white space, as Python's {@code s.strip()}} */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }
}
