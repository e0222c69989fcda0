package dev.toolwarden.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.report.Report.Alert;
import dev.toolwarden.report.Report.CacheSummary;
import dev.toolwarden.report.Report.PoolSummary;
import dev.toolwarden.report.Report.SlowCall;
import dev.toolwarden.report.Report.ToolSummary;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The HTML page: well-formed, self-contained, escaped, and with each chart either drawn or
 * replaced by a sentence. The reports are built by hand, so these tests need no recording.
 */
class HtmlReportTest {

    private static final Instant START = RenderSample.START;

    // ------------------------------------------------------------------ fixtures

    /** Recordings without a single Toolwarden event. */
    static Report noToolwardenEvents() {
        return new Report(List.of("jdk-only.jfr"), START, START.plusSeconds(60), 1_234, 0, List.of(), List.of(),
                List.of(), List.of(), List.of(), null, List.of(), List.of());
    }

    /** Tools but nothing to chart over time, no caches, no system samples, and nulls wherever allowed. */
    static Report sparse(List<ToolSummary> tools, List<Alert> alerts) {
        return new Report(List.of("sparse.jfr"), null, null, 10, 5, tools, List.of(), alerts, List.of(), List.of(),
                null, List.of(), List.of());
    }

    static ToolSummary tool(String name, long calls, List<Report.LatencyBucket> latency) {
        return new ToolSummary(name, "TOOL", calls, 0, 0, 0, 0, 0, 0, 1_000, 2_000, 3_000, 4_000, 1_500, 0, 0, 0,
                0, latency);
    }

    private static Document parse(String page) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new InputSource(new StringReader(page)));
    }

    private static int occurrences(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            found++;
        }
        return found;
    }

    /** The text of the section that starts with the heading of this id, up to the next h2. */
    private static String section(String page, String id) {
        int start = page.indexOf("<h2 id=\"" + id + "\">");
        assertTrue(start >= 0, "no section " + id);
        int end = page.indexOf("<h2", start + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    // ------------------------------------------------------------------ the full page

    @Nested
    class FullReport {

        private final Report report = RenderSample.sample();
        private final String page = HtmlReport.render(report);

        @Test
        void isWellFormedXml() throws Exception {
            Document document = parse(page);
            assertEquals("html", document.getDocumentElement().getTagName());
            // Every chart is an SVG element, in the SVG namespace, with a title first.
            int svgs = document.getElementsByTagNameNS(HtmlReport.SVG_NAMESPACE, "svg").getLength();
            assertEquals(occurrences(page, "<svg"), svgs);
            assertEquals(occurrences(page, "<svg"), occurrences(page, "</svg>"));
        }

        @Test
        void hasEveryChart() {
            // Three tools have a latency distribution, the fourth has none; then timeline, resources, caches.
            assertEquals(3 + 3, occurrences(page, "<svg"));
            assertTrue(page.contains("<title>Latency distribution of searchDocuments&lt;web&gt;&amp;co</title>"));
            assertTrue(page.contains("<title>Calls, errors and hard timeouts over time</title>"));
            assertTrue(page.contains("<title>System CPU, process CPU and heap over time, with alerts</title>"));
            assertTrue(page.contains("<title>Cache hit rate per category</title>"));
            assertTrue(page.contains("No latency distribution for this tool."));
            assertFalse(page.contains("No resource samples in these recordings."));
        }

        @Test
        void marksAlertsOnTheResourceChart() {
            int chart = page.indexOf("<title>System CPU, process CPU");
            String svg = page.substring(chart, page.indexOf("</svg>", chart));
            assertTrue(svg.contains("CPU HARD raised: 91.3 (threshold 85)"), svg);
            assertTrue(svg.contains("CPU HARD cleared: 61 (threshold 85)"));
            assertTrue(svg.contains("HARD alert") && svg.contains("SOFT alert") && svg.contains("alert cleared"));
            // The monitor's gap splits each CPU line in two; heap has no gap, so one line.
            assertEquals(2 + 2 + 1, occurrences(svg, "<polyline"));
        }

        @Test
        void isSelfContained() {
            String withoutNamespace = page.replace("xmlns=\"" + HtmlReport.SVG_NAMESPACE + "\"", "");
            assertFalse(withoutNamespace.contains("http://"), "a network reference");
            assertFalse(withoutNamespace.contains("https://"), "a network reference");
            for (String loader : List.of("<script", "<link", "<img", "<iframe", "<object", "@import", "url(")) {
                assertFalse(page.contains(loader), loader);
            }
            Matcher references = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
            while (references.find()) {
                assertTrue(references.group(1).startsWith("#"), "not an anchor: " + references.group());
            }
        }

        @Test
        void isPureAscii() {
            for (int i = 0; i < page.length(); i++) {
                assertTrue(page.charAt(i) < 0x80, "not ASCII at " + i + ": " + page.charAt(i));
            }
            // The micro sign of durations, as a reference.
            assertTrue(page.contains("&#181;s"));
        }

        @Test
        void escapesModelStrings() {
            assertTrue(page.contains("&lt;init&gt;"));
            assertFalse(page.contains("<init>"));
            assertTrue(page.contains("&amp; friends"));
            assertTrue(page.contains("conv-&lt;42&gt;"));
            assertFalse(page.contains("<42>"));
            assertTrue(page.contains("app-2 &amp; co.jfr"));
            assertFalse(page.contains(RenderSample.SEARCH));
            assertFalse(page.contains(RenderSample.CHAT));
        }

        @Test
        void namesEveryTool() {
            for (ToolSummary tool : report.tools()) {
                StringBuilder escaped = new StringBuilder();
                HtmlReport.escape(tool.name(), escaped);
                assertTrue(section(page, "tools").contains(">" + escaped + "</td>"), tool.name());
            }
            assertTrue(page.contains("chat &quot;assistant&quot;"));
            assertTrue(page.contains("o&#39;neil&#39;s idle tool"));
        }

        @Test
        void showsTheSummary() {
            assertTrue(page.contains("<h1>Toolwarden report</h1>"));
            assertTrue(page.contains("2024-05-01T12:00:00Z"));
            assertTrue(page.contains("2024-05-01T12:10:00Z"));
            assertTrue(page.contains("184,233 events read, 52,410 of them Toolwarden events."));
        }

        @Test
        void printsHumanUnitsAndNotAvailable() {
            String tools = section(page, "tools");
            assertTrue(tools.contains(">1.20 ms</td>"), "p50 of search");
            assertTrue(tools.contains(">1.80 s</td>"), "max of search");
            assertTrue(tools.contains(">35.0%</td>"), "cache hit rate of search");
            assertTrue(tools.contains(">488 KB</td>"), "mean allocation of search");
            assertTrue(tools.contains(">n/a</td>"), "the idle tool");
            assertTrue(tools.contains("<td class=\"num bad\">45</td>"), "errors stand out");
        }

        @Test
        void showsTheStackOfASlowCall() {
            String slowest = section(page, "slowest");
            assertEquals(2, occurrences(slowest, "<details><summary>"));
            assertTrue(slowest.contains("<pre>java.base/java.lang.Thread.sleep(Native Method)\n\tat com.acme.Search"
                    + ".&lt;init&gt;(Search.java:42)"));
        }

        @Test
        void showsTablesInOrder() {
            String[] headings = {"id=\"tools\"", "id=\"charts\"", "id=\"caches\"", "id=\"alerts\"", "id=\"slowest\"",
                "id=\"pools\"", "id=\"system\""};
            int last = -1;
            for (String heading : headings) {
                int at = page.indexOf("<h2 " + heading);
                assertTrue(at > last, heading);
                last = at;
            }
            assertTrue(section(page, "pools").contains(">100.0%</td>"));
            assertTrue(section(page, "system").contains("694 MB of 1.00 GB (67.8%)"));
        }

        @Test
        void isDeterministic() {
            assertEquals(page, HtmlReport.render(RenderSample.sample()));
        }
    }

    // ------------------------------------------------------------------ other reports

    @Test
    void recordingsWithoutToolwardenEventsSaySoAndNothingElse() throws Exception {
        String page = HtmlReport.render(noToolwardenEvents());
        parse(page);
        assertTrue(page.contains("These recordings contain no Toolwarden events"));
        assertTrue(page.contains("1,234 other events"));
        assertTrue(page.contains("-javaagent:toolwarden-agent.jar=jfr.record=app.jfr"));
        assertFalse(page.contains("<svg"));
        assertFalse(page.contains("<table"));
        assertFalse(page.contains("<h2"));
    }

    @Test
    void chartsWithoutDataAreReplacedByASentence() throws Exception {
        String page = HtmlReport.render(sparse(List.of(tool("quiet", 3, List.of())), List.of()));
        parse(page);
        assertFalse(page.contains("<svg"));
        assertTrue(page.contains("No latency distribution for this tool."));
        assertTrue(page.contains("No calls over time in these recordings."));
        assertTrue(page.contains("No resource samples in these recordings."));
        assertTrue(page.contains("No cache statistics in these recordings."));
        assertTrue(page.contains("No resource alerts in these recordings."));
        assertTrue(page.contains("No system resource samples in these recordings."));
        assertTrue(page.contains("No events, so no time span."));
    }

    @Test
    void noToolsNoLatencyCharts() {
        String page = HtmlReport.render(sparse(List.of(), List.of()));
        assertFalse(page.contains("<svg"));
        assertTrue(page.contains("No tool or chat handler calls in these recordings."));
    }

    @Test
    void latencyChartsForTheBusiestToolsOnly() throws Exception {
        List<ToolSummary> tools = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            tools.add(tool("tool-" + i, i * 100L, RenderSample.bell(12 + i, 1, 50)));
        }
        String page = HtmlReport.render(sparse(tools, List.of()));
        parse(page);
        assertEquals(HtmlReport.MAX_LATENCY_CHARTS, occurrences(page, "<svg"));
        assertTrue(page.contains("The 8 busiest of 10 tools."));
        assertTrue(page.contains("Latency distribution of tool-10<"));
        assertTrue(page.contains("Latency distribution of tool-3<"));
        assertFalse(page.contains("Latency distribution of tool-2<"));
        assertFalse(page.contains("Latency distribution of tool-1<"));
        // ... but every tool is in the table.
        for (ToolSummary tool : tools) {
            assertTrue(section(page, "tools").contains(">" + tool.name() + "</td>"));
        }
    }

    @Test
    void latencyChartLabelsTicksInHumanUnits() {
        // 1 ms to 8 ms: a narrow range, so 1-2-5 ticks.
        List<Report.LatencyBucket> buckets = List.of(new Report.LatencyBucket(1_000_000, 2_000_000, 10),
                new Report.LatencyBucket(2_000_000, 4_000_000, 30), new Report.LatencyBucket(4_000_000, 8_000_000, 5));
        String page = HtmlReport.render(sparse(List.of(tool("t", 45, buckets)), List.of()));
        assertTrue(page.contains(">1 ms</text>"));
        assertTrue(page.contains(">2 ms</text>"));
        assertTrue(page.contains(">5 ms</text>"));
        assertTrue(page.contains("2.00 ms &#8211; 4.00 ms: 30 calls"));
        assertEquals(List.of(1L, 10L, 100L, 1_000L, 10_000L), HtmlReport.logTicks(0, 4));
        // Eight decades: every other one, so that the labels do not collide.
        assertEquals(List.of(10_000L, 1_000_000L, 100_000_000L), HtmlReport.logTicks(2.5, 9.2));
    }

    @Test
    void alertsAreListedInTimeOrder() {
        List<Alert> alerts = List.of(
                new Alert(START.plusSeconds(30), "MEMORY", "HARD", 93, 90, "", false),
                new Alert(START.plusSeconds(10), "DB_CONNECTIONS", "SOFT", 80, 80, "HikariPool-1", false),
                new Alert(START.plusSeconds(50), "MEMORY", "HARD", 70, 90, "", true));
        String table = section(HtmlReport.render(sparse(List.of(), alerts)), "alerts");
        int first = table.indexOf("DB_CONNECTIONS");
        int second = table.indexOf("2024-05-01T12:00:30Z");
        int third = table.indexOf("2024-05-01T12:00:50Z");
        assertTrue(first > 0 && first < second && second < third, table);
        assertTrue(table.contains("<td class=\"bad\">HARD</td>"), "a raised hard alert stands out");
        assertTrue(table.contains(">cleared</td>"));
    }

    @Test
    void toleratesMissingValues() throws Exception {
        Report report = new Report(List.of("odd.jfr"), START, START, 3, 3,
                List.of(new ToolSummary("t", "TOOL", 1, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 0, 0, 0, 0, null)),
                List.of(new CacheSummary(null, 0, 0, 0, 0)),
                List.of(new Alert(null, "CPU", "SOFT", Double.NaN, 70, null, false)),
                List.of(new SlowCall(null, "t", 5, "SUCCESS", null, null, "")),
                List.of(new PoolSummary("p", 0, 0, 0, 0)),
                new Report.SystemSummary(-1, -1, -1, -1, -1, -1, 0),
                List.of(new Report.TimelineBucket(START, 0, 1, 0, 0)),
                List.of(new Report.ResourceSample(START, -1, -1, -1, -1)));
        String page = HtmlReport.render(report);
        assertNotNull(parse(page));
        assertEquals(occurrences(page, "<svg"), occurrences(page, "</svg>"));
        assertFalse(page.contains("<details>"), "a blank stack is no stack");
    }

    @Test
    void formatsUnits() {
        assertEquals("n/a", Units.duration(-1));
        assertEquals("0 ns", Units.duration(0));
        assertEquals("999 ns", Units.duration(999));
        assertEquals("1.50 \u00b5s", Units.duration(1_500));
        assertEquals("1.00 ms", Units.duration(999_700));
        assertEquals("25.0 ms", Units.duration(25_000_000));
        assertEquals("1.80 s", Units.duration(1_800_000_000));
        assertEquals("125 s", Units.duration(125_000_000_000L));
        assertEquals("n/a", Units.bytes(-1));
        assertEquals("512 B", Units.bytes(512));
        assertEquals("2.00 KB", Units.bytes(2_048));
        assertEquals("700 MB", Units.bytes(700L << 20));
        assertEquals("87.5%", Units.percent(0.875));
        assertEquals("91.3", HtmlReport.number(91.3));
        assertEquals("30,000,000,000", HtmlReport.number(30e9));
        assertEquals("0.3333", HtmlReport.number(1.0 / 3));
        assertEquals("2024-05-01T12:00:00.123Z", HtmlReport.isoTime(START.plusNanos(123_456_789)));
    }

    @Test
    void escapesForHtmlAndXml() {
        StringBuilder out = new StringBuilder();
        HtmlReport.escape("<a href='x'>\"&\"</a> caf\u00e9 \ud83d\ude00 \u0000\u0085\ud800", out);
        assertEquals("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt; caf&#233; &#128512; "
                + "&#65533;&#65533;&#65533;", out.toString());
    }
}
