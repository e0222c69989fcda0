package dev.toolwarden.agent;

import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.Recording;

/**
 * The recording that {@code toolwarden.jfr.record=FILE} asks for: the JDK's default settings plus
 * Toolwarden's own ({@code toolwarden.jfc} in the agent jar), written to FILE when the JVM exits.
 */
final class FlightRecording {

    private FlightRecording() {
    }

    /** @return the file being recorded to, or {@code null} when none was asked for or it could not start */
    static String startIfConfigured(Configuration config) {
        String file = config.get(Keys.JFR_RECORD);
        if (file.isEmpty()) {
            return null;
        }
        try {
            Path path = Paths.get(file).toAbsolutePath(); // InvalidPathException (a quote on Windows, a NUL): caught below
            Map<String, String> settings = new HashMap<>(jdk.jfr.Configuration.getConfiguration("default").getSettings());
            settings.putAll(settings());
            Recording recording = new Recording(settings);
            recording.setName("toolwarden");
            recording.setToDisk(true);
            recording.setDestination(path);
            recording.setDumpOnExit(true);
            recording.start();
            return path.toString();
        } catch (IOException | ParseException | RuntimeException e) {
            Log.warn("toolwarden.jfr.record=" + file + ": cannot record there (" + e + "); running without a recording");
            return null;
        }
    }

    /** @return the settings of the jfc file shipped at the root of the agent jar */
    static Map<String, String> settings() throws IOException, ParseException {
        // The jfc sits beside the bridge classes, outside inst/, so that users can extract it with `jar xf`.
        try (InputStream in = ClassLoader.getSystemResourceAsStream("toolwarden.jfc")) {
            if (in == null) {
                return Map.of();
            }
            return jdk.jfr.Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8)).getSettings();
        }
    }
}
