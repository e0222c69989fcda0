package dev.toolwarden.report;

import dev.toolwarden.accounting.LatencyHistogram;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads recordings into a {@link Report}, one event at a time: memory grows with the number of
 * tools, pools and seconds recorded, never with the number of events, so a recording of millions
 * of calls is read in one pass. Several recordings (of several JVMs) are merged.
 */
public final class RecordingReader {

    /** How many of the slowest calls the report lists. */
    static final int SLOWEST = 10;
    /** At most this many points in the charts over time. */
    static final int MAX_BUCKETS = 120;
    private static final int MAX_ALERTS = 10_000;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Map<String, ToolTotals> tools = new HashMap<>();
    private final Map<String, long[]> timeouts = new HashMap<>();
    /** The earliest {@link #MAX_ALERTS} alerts of all the recordings: the latest of them on top, to be replaced. */
    private final PriorityQueue<Report.Alert> alerts = new PriorityQueue<>(
            Comparator.comparing(Report.Alert::time).reversed());
    private final PriorityQueue<Call> slowest = new PriorityQueue<>(Comparator.comparingLong(c -> c.duration));
    private final Map<String, PoolTotals> pools = new LinkedHashMap<>();
    private final TreeMap<Long, long[]> perSecond = new TreeMap<>();
    private final TreeMap<Long, double[]> resourcesPerSecond = new TreeMap<>();
    private final Map<jdk.jfr.EventType, Map<String, String>> fieldTypes = new java.util.IdentityHashMap<>();
    private final Map<String, CacheSample> cacheSamples = new LinkedHashMap<>();
    private final Map<String, CacheSample> fileCacheSamples = new LinkedHashMap<>();
    private boolean softTimeoutsSeen;
    private int fileIndex;
    private String jvm;
    private SystemTotals system;
    private Instant start;
    private Instant end;
    private long events;
    private long toolwardenEvents;

    private RecordingReader() {
    }

    /**
     * @param files recordings, of one JVM or several
     * @return what they hold
     * @throws ReportException when a file is missing or is not a whole JFR recording
     */
    public static Report read(List<Path> files) throws ReportException {
        // The same file twice would count everything twice.
        List<Path> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(files.stream()
                .map(f -> f.toAbsolutePath().normalize()).toList()));
        RecordingReader reader = new RecordingReader();
        for (Path file : distinct) {
            if (!Files.isRegularFile(file)) {
                throw new ReportException(file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
            }
        }
        for (int i = 0; i < distinct.size(); i++) {
            reader.fileIndex = i;
            reader.readFile(distinct.get(i));
        }
        reader.findStacks(distinct);
        return reader.report(files);
    }

    private void readFile(Path file) throws ReportException {
        jvm = "file " + fileIndex;
        fileCacheSamples.clear();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                accept(e);
            }
            // The JVM is known once the whole file is read (its information event can come anywhere in it).
            fileCacheSamples.forEach((category, sample) -> cacheSamples.merge(jvm + "|" + category, sample,
                    (a, b) -> b.time.isBefore(a.time) ? a : b));
        } catch (NoSuchFileException e) {
            throw new ReportException(file + ": no such file");
        } catch (EOFException e) {
            throw new ReportException(file + ": the recording is cut short (it ends in the middle of its data)");
        } catch (IOException | RuntimeException | StackOverflowError | InternalError | OutOfMemoryError e) {
            throw new ReportException(file + ": not a readable JFR recording (" + oneLine(e) + ")");
        }
    }

    /**
     * The second pass, only when there were soft timeouts: reads the Timeout events again and keeps
     * the stacks of the slowest calls alone, so that memory does not grow with the number of timeouts.
     */
    private void findStacks(List<Path> files) throws ReportException {
        if (!softTimeoutsSeen || slowest.isEmpty()) {
            return;
        }
        java.util.Set<Integer> wanted = new java.util.HashSet<>();
        slowest.forEach(c -> wanted.add(c.file));
        for (int i = 0; i < files.size(); i++) {
            if (!wanted.contains(i)) {
                continue;
            }
            try (RecordingFile recording = new RecordingFile(files.get(i))) {
                while (recording.hasMoreEvents()) {
                    RecordedEvent e = recording.readEvent();
                    if (e.getEventType().getName().equals("toolwarden.Timeout") && "SOFT".equals(string(e, "level"))) {
                        RecordedThread t = thread(e, "callThread");
                        long threadId = t == null ? -1 : t.getJavaThreadId();
                        for (Call c : slowest) {
                            if (c.file == i && c.stack == null && c.name.equals(string(e, "name"))
                                    && (threadId < 0 || threadId == c.threadId)
                                    && !e.getStartTime().isBefore(c.start) && !e.getStartTime().isAfter(c.end)) {
                                c.stack = string(e, "stack");
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException | StackOverflowError | InternalError | OutOfMemoryError e) {
                throw new ReportException(files.get(i) + ": not a readable JFR recording (" + oneLine(e) + ")");
            }
        }
    }

    private void accept(RecordedEvent e) {
        events++;
        String type = e.getEventType().getName();
        if (!type.startsWith("toolwarden.")) {
            if (type.equals("jdk.JVMInformation")) {
                // Several files of one JVM (rotated dumps, repository chunks) must not add up its cache totals.
                jvm = "pid " + whole(e, "pid") + " started " + whole(e, "jvmStartTime");
            }
            return;
        }
        toolwardenEvents++;
        Instant time = e.getStartTime();
        if (start == null || time.isBefore(start)) {
            start = time;
        }
        Instant finish = e.getEndTime();
        if (end == null || finish.isAfter(end)) {
            end = finish;
        }
        switch (type) {
            case "toolwarden.Execution":
                execution(e);
                break;
            case "toolwarden.Timeout":
                timeout(e);
                break;
            case "toolwarden.ResourceAlert":
                if (alerts.size() < MAX_ALERTS || time.isBefore(alerts.peek().time())) {
                    alerts.add(new Report.Alert(time, string(e, "resource"), string(e, "level"), number(e, "value"),
                            number(e, "threshold"), string(e, "subject"), flag(e, "cleared")));
                    if (alerts.size() > MAX_ALERTS) {
                        alerts.poll();
                    }
                }
                break;
            case "toolwarden.SystemResources":
                systemSample(e);
                break;
            case "toolwarden.ConnectionPool":
                pools.computeIfAbsent(String.valueOf(string(e, "pool")), PoolTotals::new)
                        .add((int) whole(e, "max"), (int) whole(e, "active"), (int) whole(e, "waiting"));
                break;
            case "toolwarden.CacheStatistics":
                // Totals since the JVM started: per JVM and category, the latest sample counts.
                String category = String.valueOf(string(e, "category"));
                CacheSample sample = new CacheSample(time, new Report.CacheSummary(category, whole(e, "size"),
                        whole(e, "hits"), whole(e, "misses"), whole(e, "evictions")));
                fileCacheSamples.merge(category, sample, (a, b) -> b.time.isBefore(a.time) ? a : b);
                break;
            default:
                // toolwarden.ConversationMemory and events of later versions: counted, not summarised.
                break;
        }
    }

    private void execution(RecordedEvent e) {
        String name = nameOf(e);
        ToolTotals t = tools.computeIfAbsent(name, n -> new ToolTotals(n, string(e, "kind")));
        long duration = e.getDuration().toNanos();
        String outcome = string(e, "outcome");
        t.add(duration, outcome, flag(e, "cacheHit"), whole(e, "cpuTime"), whole(e, "allocated"));
        long[] second = perSecond.computeIfAbsent(e.getStartTime().getEpochSecond(), s -> new long[3]);
        second[0]++;
        if ("ERROR".equals(outcome)) {
            second[1]++;
        } else if ("TIMEOUT".equals(outcome)) {
            second[2]++;
        }
        if (slowest.size() < SLOWEST || duration > slowest.peek().duration) {
            RecordedThread thread = e.getThread();
            slowest.add(new Call(fileIndex, e.getStartTime(), e.getEndTime(), name, duration, outcome,
                    string(e, "conversationId"), thread == null ? -1 : thread.getJavaThreadId(),
                    thread == null ? "" : String.valueOf(thread.getJavaName())));
            if (slowest.size() > SLOWEST) {
                slowest.poll();
            }
        }
    }

    private void timeout(RecordedEvent e) {
        boolean hard = "HARD".equals(string(e, "level"));
        timeouts.computeIfAbsent(nameOf(e), n -> new long[2])[hard ? 1 : 0]++;
        softTimeoutsSeen |= !hard;
    }

    private String nameOf(RecordedEvent e) {
        String name = string(e, "name");
        return name == null ? "(unnamed)" : name;
    }

    private void systemSample(RecordedEvent e) {
        double systemCpu = number(e, "systemCpu");
        double processCpu = number(e, "processCpu");
        long memoryUsed = whole(e, "memoryUsed");
        long heapUsed = whole(e, "heapUsed");
        if (system == null) {
            system = new SystemTotals();
        }
        system.add(systemCpu, processCpu, memoryUsed, whole(e, "memoryTotal"), heapUsed, whole(e, "heapMax"));
        double[] s = resourcesPerSecond.computeIfAbsent(e.getStartTime().getEpochSecond(),
                k -> new double[] {-1, -1, -1, -1});
        s[0] = peak(s[0], systemCpu);
        s[1] = peak(s[1], processCpu);
        s[2] = peak(s[2], heapUsed);
        s[3] = peak(s[3], memoryUsed);
    }

    /** The higher of two figures, where a figure that is not a number of 0 or more is unknown (NaN, -1). */
    static double peak(double current, double sample) {
        return sample >= 0 && !(sample <= current) ? sample : current;
    }

    private Report report(List<Path> files) {
        List<Report.ToolSummary> toolList = new ArrayList<>();
        for (ToolTotals t : tools.values()) {
            long[] to = timeouts.getOrDefault(t.name, new long[2]);
            toolList.add(t.summary(to[0], to[1]));
        }
        // Tools that timed out but never finished a call in the recording still belong in the table.
        timeouts.forEach((name, to) -> {
            if (!tools.containsKey(name)) {
                toolList.add(new ToolTotals(name, "TOOL").summary(to[0], to[1]));
            }
        });
        toolList.sort(Comparator.comparingLong(Report.ToolSummary::calls).reversed()
                .thenComparing(Report.ToolSummary::name));

        List<Report.SlowCall> slow = new ArrayList<>();
        for (Call c : slowest) {
            slow.add(new Report.SlowCall(c.start, c.name, c.duration, c.outcome, c.conversationId, c.threadName,
                    c.stack));
        }
        slow.sort(Comparator.comparingLong(Report.SlowCall::duration).reversed());
        List<Report.Alert> alertList = new ArrayList<>(alerts);
        alertList.sort(Comparator.comparing(Report.Alert::time));

        long bucket = bucketSeconds();
        long origin = firstSecond();
        List<Report.TimelineBucket> timeline = new ArrayList<>();
        perSecond.forEach((second, counts) -> {
            long b = origin + Math.floorDiv(second - origin, bucket) * bucket;
            int last = timeline.size() - 1;
            if (last >= 0 && timeline.get(last).start().getEpochSecond() == b) {
                Report.TimelineBucket p = timeline.get(last);
                timeline.set(last, new Report.TimelineBucket(p.start(), bucket, p.calls() + counts[0],
                        p.errors() + counts[1], p.timeouts() + counts[2]));
            } else {
                timeline.add(new Report.TimelineBucket(Instant.ofEpochSecond(b), bucket, counts[0], counts[1], counts[2]));
            }
        });
        List<Report.ResourceSample> resources = new ArrayList<>();
        resourcesPerSecond.forEach((second, s) -> {
            long b = origin + Math.floorDiv(second - origin, bucket) * bucket;
            int last = resources.size() - 1;
            if (last >= 0 && resources.get(last).time().getEpochSecond() == b) {
                Report.ResourceSample p = resources.get(last);
                resources.set(last, new Report.ResourceSample(p.time(), Math.max(p.systemCpu(), s[0]),
                        Math.max(p.processCpu(), s[1]), Math.max(p.heapUsed(), (long) s[2]),
                        Math.max(p.memoryUsed(), (long) s[3])));
            } else {
                resources.add(new Report.ResourceSample(Instant.ofEpochSecond(b), s[0], s[1], (long) s[2], (long) s[3]));
            }
        });
        List<Report.PoolSummary> poolList = new ArrayList<>();
        pools.values().forEach(p -> poolList.add(new Report.PoolSummary(p.name, p.max, p.peakActive, p.peakWaiting,
                p.samples)));
        Map<String, Report.CacheSummary> caches = new LinkedHashMap<>();
        cacheSamples.values().forEach(c -> caches.merge(c.summary.category(), c.summary, (a, b) ->
                new Report.CacheSummary(a.category(), sum(a.size(), b.size()), sum(a.hits(), b.hits()),
                        sum(a.misses(), b.misses()), sum(a.evictions(), b.evictions()))));
        List<String> sources = new ArrayList<>();
        files.forEach(f -> sources.add(f.toString()));
        return new Report(List.copyOf(sources), start, end, events, toolwardenEvents, List.copyOf(toolList),
                List.copyOf(caches.values()), List.copyOf(alertList), List.copyOf(slow), List.copyOf(poolList),
                system == null ? null : system.summary(), List.copyOf(timeline), List.copyOf(resources));
    }

    /** Sums two figures of which either may be unknown (-1); unknown only when both are. */
    private static long sum(long a, long b) {
        return a < 0 ? b : b < 0 ? a : a + b;
    }

    private long firstSecond() {
        return Math.min(perSecond.isEmpty() ? Long.MAX_VALUE : perSecond.firstKey(),
                resourcesPerSecond.isEmpty() ? Long.MAX_VALUE : resourcesPerSecond.firstKey());
    }

    /** Buckets of whole "nice" seconds, so that the span fits in {@link #MAX_BUCKETS} of them. */
    private long bucketSeconds() {
        long first = Math.min(perSecond.isEmpty() ? Long.MAX_VALUE : perSecond.firstKey(),
                resourcesPerSecond.isEmpty() ? Long.MAX_VALUE : resourcesPerSecond.firstKey());
        long last = Math.max(perSecond.isEmpty() ? Long.MIN_VALUE : perSecond.lastKey(),
                resourcesPerSecond.isEmpty() ? Long.MIN_VALUE : resourcesPerSecond.lastKey());
        if (first > last) {
            return 1;
        }
        long needed = (last - first + 1 + MAX_BUCKETS - 1) / MAX_BUCKETS;
        for (long nice : new long[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200}) {
            if (nice >= needed) {
                return nice;
            }
        }
        return (needed + 86399) / 86400 * 86400;
    }

    // Fields are read by type: a recording of another Toolwarden version may lack a field or give it
    // another type, and that must make the figure unknown, not the recording unreadable.

    private String string(RecordedEvent e, String field) {
        return "java.lang.String".equals(fieldType(e, field)) ? e.getString(field) : null;
    }

    private long whole(RecordedEvent e, String field) {
        String type = fieldType(e, field);
        if (!("long".equals(type) || "int".equals(type) || "short".equals(type) || "byte".equals(type))) {
            return -1;
        }
        long v = e.getLong(field);
        return v == UNKNOWN ? -1 : v;
    }

    /** @return the value, or NaN when the recording does not have it */
    private double number(RecordedEvent e, String field) {
        String type = fieldType(e, field);
        if ("double".equals(type) || "float".equals(type)) {
            return e.getDouble(field);
        }
        long v = whole(e, field);
        return v < 0 ? Double.NaN : v;
    }

    private boolean flag(RecordedEvent e, String field) {
        return "boolean".equals(fieldType(e, field)) && e.getBoolean(field);
    }

    private RecordedThread thread(RecordedEvent e, String field) {
        return "java.lang.Thread".equals(fieldType(e, field)) ? e.getValue(field) : null;
    }

    private String fieldType(RecordedEvent e, String field) {
        jdk.jfr.EventType type = e.getEventType();
        Map<String, String> fields = fieldTypes.get(type);
        if (fields == null) {
            fields = new HashMap<>();
            for (jdk.jfr.ValueDescriptor d : type.getFields()) {
                fields.put(d.getName(), d.getTypeName());
            }
            fieldTypes.put(type, fields);
        }
        return fields.get(field);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        String text = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return text.replaceAll("\\s+", " ").trim();
    }

    /** A finished call, kept while it is among the slowest. */
    private static final class Call {
        final int file;
        final Instant start;
        final Instant end;
        final String name;
        final long duration;
        final String outcome;
        final String conversationId;
        final long threadId;
        final String threadName;
        String stack;

        Call(int file, Instant start, Instant end, String name, long duration, String outcome, String conversationId,
                long threadId, String threadName) {
            this.file = file;
            this.start = start;
            this.end = end;
            this.name = name;
            this.duration = duration;
            this.outcome = outcome;
            this.conversationId = conversationId;
            this.threadId = threadId;
            this.threadName = threadName;
        }
    }

    private record CacheSample(Instant time, Report.CacheSummary summary) {
    }

    private static final class ToolTotals {
        final String name;
        final String kind;
        final LatencyHistogram latency = new LatencyHistogram();
        long calls;
        long errors;
        long rejected;
        long fallbacks;
        long cacheHits;
        long timed;
        long totalNanos;
        long max;
        long cpu;
        long cpuMeasured;
        long allocated;
        long allocatedMeasured;

        ToolTotals(String name, String kind) {
            this.name = name;
            this.kind = kind == null ? "TOOL" : kind;
        }

        void add(long duration, String outcome, boolean cacheHit, long cpuTime, long allocatedBytes) {
            calls++;
            if (!cacheHit) {
                // As in the statistics API: a hit is a call, but not timed (it ran nothing), so that the
                // percentiles describe the calls that ran.
                timed++;
                latency.record(duration);
                totalNanos += duration;
                max = Math.max(max, duration);
            }
            if ("ERROR".equals(outcome)) {
                errors++;
            } else if ("REJECTED".equals(outcome)) {
                rejected++;
            } else if ("FALLBACK".equals(outcome)) {
                fallbacks++;
            }
            if (cacheHit) {
                cacheHits++;
            }
            if (cpuTime >= 0) {
                cpu += cpuTime;
                cpuMeasured++;
            }
            if (allocatedBytes >= 0) {
                allocated += allocatedBytes;
                allocatedMeasured++;
            }
        }

        Report.ToolSummary summary(long soft, long hard) {
            LatencyHistogram.Snapshot h = latency.snapshot();
            List<Report.LatencyBucket> buckets = new ArrayList<>();
            for (LatencyHistogram.Bucket b : h.nonEmptyBuckets()) {
                buckets.add(new Report.LatencyBucket(b.from(), b.to(), b.count()));
            }
            return new Report.ToolSummary(name, kind, calls, errors, soft, hard, rejected, fallbacks, cacheHits,
                    timed == 0 ? -1 : h.percentile(0.50, max), timed == 0 ? -1 : h.percentile(0.95, max),
                    timed == 0 ? -1 : h.percentile(0.99, max), timed == 0 ? -1 : max, timed == 0 ? -1 : totalNanos / timed,
                    cpu, cpuMeasured, allocated, allocatedMeasured, List.copyOf(buckets));
        }
    }

    private static final class PoolTotals {
        final String name;
        int max;
        int peakActive;
        int peakWaiting;
        long samples;

        PoolTotals(String name) {
            this.name = name;
        }

        void add(int sampleMax, int active, int waiting) {
            samples++;
            max = Math.max(max, sampleMax);
            peakActive = Math.max(peakActive, active);
            peakWaiting = Math.max(peakWaiting, waiting);
        }
    }

    private static final class SystemTotals {
        double systemCpu = -1;
        double processCpu = -1;
        long memoryUsed = -1;
        long memoryTotal = -1;
        long heapUsed = -1;
        long heapMax = -1;
        long samples;

        void add(double sys, double proc, long mem, long memTotal, long heap, long heapLimit) {
            samples++;
            systemCpu = peak(systemCpu, sys);
            processCpu = peak(processCpu, proc);
            memoryUsed = Math.max(memoryUsed, mem);
            memoryTotal = Math.max(memoryTotal, memTotal);
            heapUsed = Math.max(heapUsed, heap);
            heapMax = Math.max(heapMax, heapLimit);
        }

        Report.SystemSummary summary() {
            return new Report.SystemSummary(systemCpu, processCpu, memoryUsed, memoryTotal, heapUsed, heapMax, samples);
        }
    }
}
