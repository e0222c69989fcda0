package dev.toolwarden;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    static Stream<Arguments> shortForms() {
        return Stream.of(
                Arguments.of("250ms", Duration.ofMillis(250)),
                Arguments.of("30s", Duration.ofSeconds(30)),
                Arguments.of("10m", Duration.ofMinutes(10)),
                Arguments.of("1h", Duration.ofHours(1)),
                Arguments.of("2d", Duration.ofDays(2)),
                Arguments.of("0ms", Duration.ZERO),
                Arguments.of("1500ms", Duration.ofMillis(1500)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shortForms")
    void shortFormsParseToTheirDuration(String text, Duration expected) {
        assertEquals(expected, Durations.parse(text));
    }

    @Test
    void isoFormIsAccepted() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    }

    @Test
    void isoFormIsAcceptedInLowerCase() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("pt1h30m"));
    }

    @Test
    void isoFormWithDaysIsAccepted() {
        assertEquals(Duration.ofDays(1).plusHours(2), Durations.parse("P1DT2H"));
    }

    @Test
    void bareZeroMeansDisabled() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertAll(
                () -> assertEquals(Duration.ofSeconds(30), Durations.parse("  30s\t")),
                () -> assertEquals(Duration.ofSeconds(30), Durations.parse(" PT30S ")),
                () -> assertEquals(Duration.ZERO, Durations.parse(" 0 ")));
    }

    @Test
    void whitespaceBetweenAmountAndUnitIsAllowed() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250 ms"));
    }

    @Test
    void unitsAreCaseInsensitive() {
        assertAll(
                () -> assertEquals(Duration.ofMillis(250), Durations.parse("250MS")),
                () -> assertEquals(Duration.ofHours(1), Durations.parse("1H")));
    }

    @Test
    void nullIsRejectedSayingWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   "})
    void emptyTextIsRejectedSayingWhatWasExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void wordIsRejectedNamingTheTextAndWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("abc"));
        assertTrue(e.getMessage().contains("'abc'"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void unknownUnitIsRejectedNamingTheUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("10x"));
        assertTrue(e.getMessage().contains("'10x'"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown unit 'x'"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void negativeShortFormIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s"));
        assertTrue(e.getMessage().contains("'-5s'"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-PT5S", "PT-5S"})
    void negativeIsoFormIsRejectedAsNegative(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void numberWithoutUnitIsRejectedAsMissingItsUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
        assertTrue(e.getMessage().contains("'5'"), e.getMessage());
        assertTrue(e.getMessage().contains("no unit"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void fractionalShortFormIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5s"));
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void amountTooLargeForALongIsRejectedAsTooLarge() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("99999999999999999999s"));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void amountThatOverflowsTheUnitIsRejectedAsTooLarge() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse(Long.MAX_VALUE + "d"));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @Test
    void malformedIsoFormIsRejectedSayingWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT5X"));
        assertTrue(e.getMessage().contains("'PT5X'"), e.getMessage());
        assertTrue(e.getMessage().contains(Durations.EXPECTED), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "abc", "10x", "-5s", "5", "99999999999999999999s", "PT5X", "1.5s"})
    void rejectionMessagesAreOneLine(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0"),
                Arguments.of(Duration.ofMillis(250), "250ms"),
                Arguments.of(Duration.ofMillis(1500), "1500ms"),
                Arguments.of(Duration.ofSeconds(30), "30s"),
                Arguments.of(Duration.ofSeconds(90), "90s"),
                Arguments.of(Duration.ofMinutes(10), "10m"),
                Arguments.of(Duration.ofMinutes(90), "90m"),
                Arguments.of(Duration.ofHours(1), "1h"),
                Arguments.of(Duration.ofHours(36), "36h"),
                Arguments.of(Duration.ofDays(2), "2d"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("formats")
    void formatChoosesTheLargestExactUnit(Duration d, String expected) {
        assertEquals(expected, Durations.format(d));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("formats")
    void formatReadsBackToTheSameDuration(Duration d, String text) {
        assertEquals(d, Durations.parse(Durations.format(d)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"250ms", "30s", "10m", "1h", "2d", "PT30S", "PT1H30M", "P3D", "0"})
    void parsedTextFormatsToTextThatParsesToTheSameDuration(String text) {
        Duration d = Durations.parse(text);
        assertEquals(d, Durations.parse(Durations.format(d)));
    }

    @Test
    void formatShowsSubMillisecondDurationsInMilliseconds() {
        assertEquals("1.500ms", Durations.format(Duration.ofNanos(1_500_000)));
    }

    @Test
    void formatOfNullIsUnknown() {
        assertEquals("unknown", Durations.format(null));
    }

    @Test
    void formatOfTheLargestParsableDurationDoesNotFail() {
        Duration huge = Durations.parse("9223372036854775807s");
        assertEquals(huge, Durations.parse(Durations.format(huge)));
    }

    @Test
    void formatOfAHugeWholeDayDurationReadsBack() {
        Duration huge = Durations.parse("200000000000d");
        assertEquals("200000000000d", Durations.format(huge));
    }

    @Test
    void formatOfAHugeDurationWithMillisecondsReadsBack() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE / 100, 5_000_000);
        assertEquals(huge, Durations.parse(Durations.format(huge)));
    }

    @org.junit.jupiter.api.Test
    void subMillisecondDurationsReadAsPrintfWouldPrintThem() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            long nanos = random.nextInt(3) == 0 ? random.nextInt(5_000_000) : Math.abs(random.nextLong() % 400_000_000_000_000L);
            Duration d = Duration.ofNanos(nanos);
            if (nanos % 1_000_000 == 0) {
                continue;
            }
            String expected = String.format(java.util.Locale.ROOT, "%.3fms", d.getSeconds() * 1e3 + d.getNano() / 1e6);
            assertEquals(expected, Durations.format(d), "for " + nanos + " ns");
        }
        assertEquals("-0.500ms", Durations.format(Duration.ofNanos(-500_000)));
        assertEquals("303.412ms", Durations.format(Duration.ofNanos(303_411_700)));
    }
}
