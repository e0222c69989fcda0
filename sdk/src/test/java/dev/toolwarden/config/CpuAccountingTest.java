package dev.toolwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpuAccountingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"on", "ON", " on ", "true"})
    void onMeasuresEveryCall(String text) {
        assertSame(CpuAccounting.ON, CpuAccounting.parse(text));
        assertEquals(1, CpuAccounting.parse(text).sampleEvery());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"off", "Off", "false"})
    void offMeasuresNoCall(String text) {
        assertSame(CpuAccounting.OFF, CpuAccounting.parse(text));
        assertEquals(0, CpuAccounting.parse(text).sampleEvery());
    }

    @Test
    void oneInNMeasuresEveryNthCall() {
        assertEquals(10, CpuAccounting.parse("1/10").sampleEvery());
    }

    @Test
    void oneInNToleratesSpaces() {
        assertEquals(10, CpuAccounting.parse(" 1/ 10 ").sampleEvery());
    }

    @Test
    void oneInOneIsTheSameAsOn() {
        assertEquals(CpuAccounting.ON, CpuAccounting.parse("1/1"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "yes", "1/0", "1/-3", "2/10", "1/x", "1/", "10", "1/99999999999"})
    void anythingElseIsRejectedSayingWhatWasExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuAccounting.parse(text));
        assertTrue(e.getMessage().contains(CpuAccounting.EXPECTED), e.getMessage());
    }

    @Test
    void negativeSamplingIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuAccounting(-1));
        assertTrue(e.getMessage().contains(CpuAccounting.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"on", "off", "1/10"})
    void toStringIsTheTextThatParsesBack(String text) {
        CpuAccounting parsed = CpuAccounting.parse(text);
        assertEquals(text, parsed.toString());
        assertEquals(parsed, CpuAccounting.parse(parsed.toString()));
    }
}
