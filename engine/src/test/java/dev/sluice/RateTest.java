package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Section 1, rate strings: every unit and plural, white space and case, and every kind of invalid input. */
class RateTest {
    private static final String CEILING_HINT = " (raise it with max_count, or LimiterConfig.Builder.maxCount)";
    private static final String UNITS = " is not one of s, sec, second, m, min, minute, h, hr, hour, d, day (plurals accepted)";

    @ParameterizedTest(name = "\"{0}\" = {1} per {2} s")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            1/s          | 1 | 1
            1/sec        | 1 | 1
            1/secs       | 1 | 1
            1/second     | 1 | 1
            1/seconds    | 1 | 1
            2/m          | 2 | 60
            2/min        | 2 | 60
            2/mins       | 2 | 60
            2/minute     | 2 | 60
            2/minutes    | 2 | 60
            3/h          | 3 | 3600
            3/hr         | 3 | 3600
            3/hrs        | 3 | 3600
            3/hour       | 3 | 3600
            3/hours      | 3 | 3600
            4/d          | 4 | 86400
            4/day        | 4 | 86400
            4/days       | 4 | 86400
            ' 5 / m '    | 5 | 60
            '5/ Minutes' | 5 | 60
            5/HOUR       | 5 | 3600
            5/Sec        | 5 | 1
            007/s        | 7 | 1
            1000000/s    | 1000000 | 1
            """)
    void parsesEveryUnitPluralSpacingAndCase(String text, long count, long windowSeconds) {
        Rate rate = Rate.parse(text);
        assertEquals(Rate.of(count, windowSeconds), rate);
    }

    /** Section 1: the count is read as Python's int() reads it, so every count the original accepted still parses. */
    @ParameterizedTest(name = "\"{0}\" = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            +60/m           | 60
            1_000/m         | 1000
            +1_000_000/m    | 1000000
            1_0_0/m         | 100
            0_1/m           | 1
            '  +7 / s'      | 7
            '\u0666\u0660/m' | 60
            '\uff19/m'      | 9
            '\ud835\udfd5/m' | 7
            """)
    void readsTheCountAsPythonsIntDoes(String text, long count) {
        assertEquals(count, Rate.parse(text).count());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            1__000/m
            _1/m
            1_/m
            +_1/m
            _/m
            +/m
            ++1/m
            -1/m
            +-1/m
            0/m
            +0/m
            0_0/m
            1.5/m
            1e3/m
            0x10/m
            '1 000/m'
            '+ 1/m'
            """)
    void rejectsWhatPythonsIntRejectsOrReadsAsNotPositive(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse(text));
        assertEquals("\"" + text + "\": count is not a positive integer", e.getMessage());
    }

    @ParameterizedTest(name = "by_user \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            1/seconds    | 1 | 1
            2/mins       | 2 | 60
            3/hrs        | 3 | 3600
            4/days       | 4 | 86400
            ' 5 / M '    | 5 | 60
            """)
    void configurationAcceptsTheSameRateStrings(String text, long count, long windowSeconds) {
        assertEquals(Rate.of(count, windowSeconds), LimiterConfig.builder().byUser(text).build().byUser());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            0/m           | count is not a positive integer
            00/m          | count is not a positive integer
            -1/m          | count is not a positive integer
            1.5/m         | count is not a positive integer
            /m            | count is not a positive integer
            abc/m         | count is not a positive integer
            '1 0/m'       | count is not a positive integer
            ''            | expected <count>/<unit>, e.g. "60/m"
            '   '         | expected <count>/<unit>, e.g. "60/m"
            60            | expected <count>/<unit>, e.g. "60/m"
            60m           | expected <count>/<unit>, e.g. "60/m"
            """)
    void rejectsAnInvalidCountOrShapeQuotingTheInput(String text, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse(text));
        assertEquals("\"" + text + "\": " + problem, e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            5/        | ''
            5/ms      | ms
            5/week    | week
            5/m/s     | m/s
            """)
    void rejectsAnUnknownUnitQuotingTheInput(String text, String unit) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse(text));
        assertEquals("\"" + text + "\": unit \"" + unit + "\"" + UNITS, e.getMessage());
    }

    @Test
    void rejectsACountAboveTheCeilingAndSaysHowToRaiseIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse("1000001/s"));
        assertEquals("\"1000001/s\": count 1000001 exceeds the ceiling of 1000000" + CEILING_HINT, e.getMessage());
    }

    @Test
    void rejectsACountTooLargeForALong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rate.parse("99999999999999999999/m"));
        assertEquals("\"99999999999999999999/m\": count 99999999999999999999 exceeds the ceiling of 1000000"
                + CEILING_HINT, e.getMessage());
    }

    @Test
    void rejectsNull() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse(null));
        assertEquals("null: a rate is required, e.g. \"60/m\"", e.getMessage());
    }

    @Test
    void ceilingIsConfigurable() {
        assertEquals(Rate.of(2_000_000, 1), Rate.parse("2000000/s", 2_000_000));
    }

    @Test
    void rateOfRejectsANonPositiveCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.of(0, 60));
        assertEquals("count=0: must be a positive integer", e.getMessage());
    }

    @Test
    void rateOfRejectsAWindowWhoseNanosecondsWouldOverflow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.of(1, 10_000_000_000L));
        assertEquals("windowSeconds=10000000000: must be at most 31536000 (365 days)", e.getMessage());
    }

    @Test
    void rateOfAcceptsTheLongestWindowAndItsNanosecondsAreExact() {
        assertEquals(31_536_000_000_000_000L, Rate.of(1, 31_536_000L).windowNanos());
    }

    @Test
    void rateOfRejectsACountBeyondWhatEveryBackendHoldsExactly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.of(Long.MAX_VALUE, 1));
        assertEquals("count=9223372036854775807: must be at most 9007199254740991", e.getMessage());
    }

    @Test
    void parseRejectsACeilingBeyondTheLargestCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rate.parse("1/s", Long.MAX_VALUE));
        assertEquals("maxCount=9223372036854775807: must be between 1 and 9007199254740991", e.getMessage());
    }

    @Test
    void rateOfRejectsANonPositiveWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.of(1, -5));
        assertEquals("windowSeconds=-5: must be at least 1", e.getMessage());
    }

    @Test
    void windowIsExposedInSecondsAndNanoseconds() {
        Rate rate = Rate.parse("10/h");
        assertEquals(java.util.List.of(10L, 3_600L, 3_600_000_000_000L),
                java.util.List.of(rate.count(), rate.windowSeconds(), rate.windowNanos()));
    }

    @Test
    void printsInCanonicalForm() {
        assertEquals("60/60s", Rate.parse(" 60 / Minutes ").toString());
    }
}
