package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhCommandTest {
    @Test
    void noArgumentsRunTheSuiteWithShortDefaults() {
        assertEquals(List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "dev.sluice.bench.jmh"),
                JmhCommand.jmhArgs(List.of()));
    }

    @Test
    void givenOptionsAndPatternWinOverTheDefaults() {
        assertEquals(List.of("-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "-f", "3", "SingleKey", "-p", "impl=guava"),
                JmhCommand.jmhArgs(List.of("-f", "3", "SingleKey", "-p", "impl=guava")));
    }

    @Test
    void optionValuesAreNotTakenForAPattern() {
        assertEquals(List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "dev.sluice.bench.jmh", "-t", "4"),
                JmhCommand.jmhArgs(List.of("-t", "4")));
    }

    @Test
    void listingPassesThroughAlone() {
        assertEquals(List.of("-l"), JmhCommand.jmhArgs(List.of("-l")));
    }
}
