package dev.toolwarden.benchmarks;

import dev.toolwarden.events.ExecutionEvent;
import dev.toolwarden.report.RecordingReader;
import dev.toolwarden.report.Report;
import dev.toolwarden.report.ReportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long the report takes to read a recording of a million {@code toolwarden.Execution} events
 * (20 tools, a few conversations), in a JVM whose heap is capped at 64 MB: the reader streams the
 * file, so its memory must not grow with the number of events. The baseline is a bare pass over
 * the same file with {@code jdk.jfr.consumer.RecordingFile} that only counts events.
 * {@code java -jar benchmarks/target/benchmarks.jar ReportBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx64m")
public class ReportBenchmark {

    /** Events in the recording. */
    @Param("1000000")
    public int events;

    private Path file;

    /** Writes the recording once per fork. */
    @Setup(Level.Trial)
    public void record() throws IOException {
        file = Files.createTempFile("toolwarden-report-bench", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable(ExecutionEvent.NAME).withoutStackTrace().withThreshold(java.time.Duration.ZERO);
            recording.setToDisk(true);
            recording.start();
            for (int i = 0; i < events; i++) {
                ExecutionEvent e = new ExecutionEvent();
                e.begin();
                e.kind = i % 10 == 0 ? "CHAT" : "TOOL";
                e.name = "tool-" + (i % 20);
                e.method = "com.acme.Tools#tool" + (i % 20) + "(String)";
                e.outcome = i % 97 == 0 ? "ERROR" : "SUCCESS";
                e.cpuTime = i % 4 == 0 ? 1000 + i % 5000 : Long.MIN_VALUE;
                e.allocated = 512 + i % 4096;
                e.conversationId = "conversation-" + (i % 50);
                e.end();
                e.commit();
            }
            recording.stop();
            recording.dump(file);
        }
    }

    /** @return the report of the whole recording */
    @Benchmark
    public Report report() throws ReportException {
        return RecordingReader.read(List.of(file));
    }

    /** @return the events in the file: the least any reader of it must do */
    @Benchmark
    public long bareRead() throws IOException {
        long n = 0;
        try (jdk.jfr.consumer.RecordingFile rf = new jdk.jfr.consumer.RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                rf.readEvent();
                n++;
            }
        }
        return n;
    }

    /** Removes the recording. */
    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
