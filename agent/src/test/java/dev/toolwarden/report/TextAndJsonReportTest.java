package dev.toolwarden.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.report.Report.CacheSummary;
import dev.toolwarden.report.Report.SlowCall;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strings from the recording (the application's own) in the text and JSON reports. */
class TextAndJsonReportTest {

    private static final Instant START = RenderSample.START;
    /** A conversation id that tries a fake table row, a terminal escape, a tab and a surrogate without its pair. */
    private static final String HOSTILE = "conv\nfake-tool  TOOL  0\u001b[2J\t\ud800end\u2028";

    private static Report report(List<CacheSummary> caches, List<SlowCall> slowest) {
        return new Report(List.of("odd.jfr"), START, START.plusSeconds(1), 3, 3, List.of(), caches, List.of(),
                slowest, List.of(), null, List.of(), List.of());
    }

    @Test
    void theTextReportKeepsEachRowOnOneLineAndSendsNoControlCharacterToTheTerminal() {
        String text = TextReport.render(report(List.of(), List.of(
                new SlowCall(START, "search\rtool", 1_000_000, "SUCCESS", HOSTILE, "main", "at a.B.c(B.java:1)\u001b]0;x\u0007"))));
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(text), "writable as UTF-8 with --out");
        for (char c : text.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || Character.isSurrogate(c),
                    "control or unpaired character U+" + Integer.toHexString(c) + " in:\n" + text);
        }
        assertFalse(text.contains("\nfake-tool"), "no injected row:\n" + text);
        assertTrue(text.contains("conv\ufffdfake-tool  TOOL  0\ufffd[2J\ufffd\ufffdend"), text);
        assertTrue(text.contains("search\ufffdtool"), text);
    }

    @Test
    void theJsonReportEscapesUnpairedSurrogatesAndLineSeparatorsAndKeepsPairs() {
        String json = JsonReport.render(report(List.of(), List.of(
                new SlowCall(START, "emoji \ud83d\ude00 tool", 1_000_000, "SUCCESS", HOSTILE, "main", null))));
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(json), "writable as UTF-8 with --out");
        assertTrue(json.contains("\"conv\\nfake-tool  TOOL  0\\u001b[2J\\t\\ud800end\\u2028\""), json);
        assertTrue(json.contains("emoji \ud83d\ude00 tool"), "a pair is a character, written as it is: " + json);
    }

    @Test
    void cacheCountsTheRecordingDidNotHaveAreNotShownAsMinusOne() {
        Report r = report(List.of(new CacheSummary("older_agent", -1, -1, -1, -1)), List.of());
        String text = TextReport.render(r);
        String line = text.lines().filter(l -> l.startsWith("older_agent")).findFirst().orElseThrow();
        assertEquals(List.of("older_agent", "n/a", "n/a", "n/a", "n/a", "n/a"), List.of(line.trim().split("\\s+")),
                text);
        String html = HtmlReport.render(r);
        assertFalse(html.contains(">-1<"), "no -1 cell in the HTML");
    }
}
