package dev.toolwarden.runtime;

import dev.toolwarden.db.MetricsStore;
import dev.toolwarden.db.StoredMetrics;
import dev.toolwarden.log.Log;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A copy of an embedded H2 metrics database's rows, kept beside its file, so that the next JVM can
 * answer "what is this tool's record?" at start-up without opening H2 (a few hundred ms of CPU in a
 * cold JVM, which an application that ranks its tools before its first answer would wait for).
 *
 * <p>Written when the JVM that had the database open closed it, with the database file's size,
 * modification time and file key as they were after the close. It answers only while the file is
 * still exactly that: any later write to the database (by any JVM, any application, any tool)
 * changes them, and the copy is ignored. It is deleted before the database is opened again, so a JVM
 * that dies with the database open leaves none behind. It is a cache: unreadable, stale or missing,
 * the history is read from the database as before.
 *
 * <p>Only for file databases that one JVM opens at a time ({@code jdbc:h2:file:...}, {@code
 * jdbc:h2:~/...}, {@code jdbc:h2:/...}, {@code jdbc:h2:./...}) without {@code AUTO_SERVER}: a server
 * database is written by others while this JVM runs, and a snapshot could not tell. Not for an
 * encrypted file ({@code CIPHER}) or one with a password (the copy would not be protected), nor one
 * that stays open after its last connection closes ({@code DB_CLOSE_DELAY}).
 *
 * <p>Not covered: between the close and the copy's stamp (a few ms) the file is unlocked; another
 * JVM that opens and writes it in that moment and then dies before its own close would leave this
 * copy matching a file that holds its writes too.
 */
final class HistorySnapshot {

    /** "TWHS" */
    private static final int MAGIC = 0x54574853;
    /** The layout below; a change of it makes older snapshots unreadable, hence ignored. */
    private static final int FORMAT = 1;
    /** More rows than this are not copied (a shared database of many applications): it opens as before. */
    static final int MAX_ROWS = 10_000;

    private final Path database;
    private final Path file;

    private HistorySnapshot(Path database, Path file) {
        this.database = database;
        this.file = file;
    }

    /**
     * @param url the metrics database's JDBC URL
     * @return the snapshot of that database, or {@code null} when it is not an embedded H2 file
     */
    static HistorySnapshot of(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String path = semicolon < 0 ? rest : rest.substring(0, semicolon);
        String settings = semicolon < 0 ? "" : rest.substring(semicolon).toUpperCase(Locale.ROOT).replace(" ", "");
        if (settings.contains(";AUTO_SERVER=TRUE") || settings.contains(";CIPHER=")
                || settings.contains(";DB_CLOSE_DELAY=") && !settings.contains(";DB_CLOSE_DELAY=0;")
                        && !settings.endsWith(";DB_CLOSE_DELAY=0")) {
            // Shared with other JVMs while this one runs; encrypted (a copy would not be); or left open when
            // the pool closes (the file is not final when the copy is stamped).
            return null;
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (!(path.startsWith("~") || path.startsWith("/") || path.startsWith("./") || path.startsWith("../"))) {
            return null; // mem:, tcp:, ssl:, zip:, split:, nio...: not one file this JVM owns
        }
        if (path.isEmpty()) {
            return null;
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        try {
            Path base = Paths.get(path).toAbsolutePath();
            String name = base.getFileName().toString();
            return new HistorySnapshot(base.resolveSibling(name + ".mv.db"), base.resolveSibling(name + ".toolwarden-history"));
        } catch (RuntimeException e) {
            return null; // a path this file system does not take: H2 will say so when it opens
        }
    }

    /** @return where the snapshot is kept */
    Path file() {
        return file;
    }

    /**
     * @param application the application whose rows are wanted
     * @return its rows by tool, or {@code null} when there is no snapshot, or it no longer describes
     *     the database, or it cannot be read
     */
    Map<String, StoredMetrics> read(String application) {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 16 * 1024))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT || in.readInt() != MetricsStore.SCHEMA_VERSION) {
                return null; // another Toolwarden's: the database answers
            }
            String stamp = in.readUTF();
            if (!stamp.equals(stamp())) {
                return null; // written since: the database answers
            }
            Map<String, StoredMetrics> mine = new LinkedHashMap<>();
            int applications = in.readInt();
            for (int a = 0; a < applications; a++) {
                String name = in.readUTF();
                int rows = in.readInt();
                for (int i = 0; i < rows; i++) {
                    StoredMetrics m = readRow(in);
                    if (name.equals(application)) {
                        mine.put(m.tool(), m);
                    }
                }
            }
            if (in.read() != -1) {
                throw new IOException("data after the last row");
            }
            return mine;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            Log.info("ignoring the metrics history copy " + file + " (" + (e instanceof EOFException ? "cut short" : e)
                    + "); reading the history from the database");
            return null;
        }
    }

    /**
     * Writes every application's rows, as the database holds them now that it is closed. A write that
     * fails leaves no snapshot (the next JVM opens the database).
     *
     * @param rows by application and tool
     */
    void write(Map<String, Map<String, StoredMetrics>> rows) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            String stamp = stamp();
            if (stamp == null) {
                return;
            }
            try (OutputStream o = Files.newOutputStream(temporary);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(o, 16 * 1024))) {
                out.writeInt(MAGIC);
                out.writeInt(FORMAT);
                out.writeInt(MetricsStore.SCHEMA_VERSION);
                out.writeUTF(stamp);
                out.writeInt(rows.size());
                for (Map.Entry<String, Map<String, StoredMetrics>> a : rows.entrySet()) {
                    out.writeUTF(a.getKey());
                    out.writeInt(a.getValue().size());
                    for (StoredMetrics m : a.getValue().values()) {
                        writeRow(out, m);
                    }
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            delete();
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing more to do: the database is the record
            }
            Log.debug("no metrics history copy written to " + file + ": " + e);
        }
    }

    /** Before the database is opened: from then on only the database knows. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warnOnce("history-copy:" + file, "the metrics history copy " + file + " cannot be deleted (" + e
                    + "); it is checked against the database file before use, and ignored once that changes");
        }
    }

    /**
     * @return what identifies the database file's present content: its size, modification time and
     *     file key; {@code null} when there is no file
     */
    private String stamp() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(database, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
        // Nanoseconds, not an Instant's text: java.time's formatter is not loaded for this at start-up.
        return a.size() + " " + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + " " + a.fileKey();
    }

    private static void writeRow(DataOutputStream out, StoredMetrics m) throws IOException {
        out.writeUTF(m.tool());
        out.writeUTF(m.kind());
        out.writeLong(m.calls());
        out.writeLong(m.errors());
        out.writeLong(m.timeouts());
        out.writeLong(m.rejected());
        out.writeLong(m.fallbacks());
        out.writeLong(m.cacheHits());
        out.writeLong(m.totalNanos());
        out.writeLong(m.maxNanos());
        out.writeLong(m.p50Nanos());
        out.writeLong(m.p95Nanos());
        out.writeLong(m.p99Nanos());
        out.writeLong(m.cpuNanos());
        out.writeLong(m.cpuCalls());
        out.writeLong(m.allocatedBytes());
        out.writeLong(m.allocationCalls());
        out.writeLong(m.updated().getEpochSecond());
        out.writeInt(m.updated().getNano());
    }

    private static StoredMetrics readRow(DataInputStream in) throws IOException {
        return new StoredMetrics(in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), Instant.ofEpochSecond(in.readLong(), in.readInt()));
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
