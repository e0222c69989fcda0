package dev.toolwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of("0", 0L),
                Arguments.of("100", 100L),
                Arguments.of("100B", 100L),
                Arguments.of("512KB", 512L * 1024),
                Arguments.of("512K", 512L * 1024),
                Arguments.of("50MB", 50L * 1024 * 1024),
                Arguments.of("50M", 50L * 1024 * 1024),
                Arguments.of("1GB", 1024L * 1024 * 1024),
                Arguments.of("3G", 3L * 1024 * 1024 * 1024));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void unitsAreMultiplesOf1024(String text, long bytes) {
        assertEquals(bytes, DataSize.parse(text));
    }

    @Test
    void unitsAreCaseInsensitive() {
        assertEquals(50L << 20, DataSize.parse("50mb"));
    }

    @Test
    void whitespaceAroundAndBeforeTheUnitIsIgnored() {
        assertEquals(50L << 20, DataSize.parse("  50 MB "));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "MB", "-5MB", "1.5GB"})
    void nonSizesAreRejectedSayingWhatWasExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSize.parse(text));
        assertTrue(e.getMessage().contains(DataSize.EXPECTED), e.getMessage());
    }

    @Test
    void unknownUnitIsRejectedAsSuch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSize.parse("5TB"));
        assertTrue(e.getMessage().contains("unknown unit"), e.getMessage());
        assertTrue(e.getMessage().contains(DataSize.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"99999999999999999999", "9999999999GB"})
    void overflowIsRejectedAsTooLarge(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSize.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().contains(DataSize.EXPECTED), e.getMessage());
    }

    @Test
    void formatChoosesTheLargestExactUnit() {
        assertEquals("0B", DataSize.format(0));
        assertEquals("1536B", DataSize.format(1536));
        assertEquals("1KB", DataSize.format(1024));
        assertEquals("1536KB", DataSize.format(1536L * 1024));
        assertEquals("50MB", DataSize.format(50L << 20));
        assertEquals("2GB", DataSize.format(2L << 30));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(longs = {0, 1, 1023, 1024, 1025, 50L << 20, (50L << 20) + 1, 1L << 30, 5L << 40})
    void formatReadsBackToTheSameSize(long bytes) {
        assertEquals(bytes, DataSize.parse(DataSize.format(bytes)));
    }
}
