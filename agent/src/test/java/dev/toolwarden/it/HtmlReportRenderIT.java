package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.apps.ToolShapes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTML report opened in headless Chromium (Debian's {@code chromium}, which {@code .ci/run}
 * installs): it renders with no script errors and no network, and leaves a screenshot in
 * {@code agent/target/it-work/report.png} for a person to look at.
 */
class HtmlReportRenderIT {

    private static final String CHROMIUM = "/usr/bin/chromium";

    @Test
    void theHtmlReportRendersInABrowserWithoutErrors() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || new File(CHROMIUM).canExecute(), "chromium is not installed (.ci/run installs it)");
        Path recording = ChildJvm.app(ToolShapes.class).recording().run().recording();
        Path html = ChildJvm.workFile("report.html");
        Process report = new ProcessBuilder(ChildJvm.JAVA, "-jar", ChildJvm.AGENT.toString(), "report",
                recording.toString(), "--format", "html", "--out", html.toString()).inheritIO().start();
        assertTrue(report.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, report.exitValue());

        Path png = html.resolveSibling("report.png");
        Files.deleteIfExists(png);
        String[] shot = chromium("--screenshot=" + png, "--window-size=1280,2400", html.toUri().toString());
        assertTrue(Files.size(png) > 10_000, "a screenshot with content: " + shot[1]);

        String[] dom = chromium("--dump-dom", html.toUri().toString());
        assertTrue(dom[0].contains("<svg"), "the charts are in the rendered page");
        assertTrue(dom[0].contains("ToolShapes.factorial"), "the tools are in the rendered page");
        assertFalse(dom[1].contains("Uncaught"), "no script errors: " + dom[1]);
        assertFalse(dom[1].contains("ERR_"), "nothing was fetched from anywhere: " + dom[1]);
    }

    private static String[] chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory("toolwarden-chromium");
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("chromium", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        String log = Files.readString(err);
        // Console messages of the page are logged as CONSOLE lines; keep those, not Chromium's own chatter.
        StringBuilder console = new StringBuilder();
        log.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("net::ERR_"))
                .forEach(l -> console.append(l).append('\n'));
        return new String[] {out, console.toString()};
    }
}
