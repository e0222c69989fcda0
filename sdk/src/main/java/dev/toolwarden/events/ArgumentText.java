package dev.toolwarden.events;

import dev.toolwarden.config.ArgumentRecording;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Turns a call's arguments into the text an event records, as {@code toolwarden.jfr.arguments}
 * says: digests that let equal arguments be matched without revealing them, or the values
 * themselves, shortened.
 *
 * <p>Digests are unsalted, so that equal values match across JVMs and recordings; a value with
 * little entropy (a user id, a short word) can be found by trying candidates. For such data,
 * record nothing ({@code none}, the default).
 */
public final class ArgumentText {

    static final int MAX_LENGTH = 256;

    private ArgumentText() {
    }

    /**
     * @param mode what to record
     * @param arguments the call's arguments
     * @return the text for the event, or {@code null} when nothing is recorded
     */
    public static String of(ArgumentRecording mode, Object[] arguments) {
        if (mode == ArgumentRecording.NONE || arguments == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < arguments.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String text;
            try {
                text = text(arguments[i]);
            } catch (RuntimeException | StackOverflowError e) {
                // The argument's own toString failed: say so rather than lose the event.
                text = "<" + arguments[i].getClass().getName() + ": toString failed with " + e.getClass().getName() + ">";
            }
            sb.append(mode == ArgumentRecording.HASH ? digest(text) : shorten(text));
        }
        return sb.append(']').toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Object[]) {
            return Arrays.deepToString((Object[]) value);
        }
        if (value.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {value}).replaceAll("^\\[|\\]$", "");
        }
        return String.valueOf(value);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "...";
    }

    static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder("sha256:");
            for (int i = 0; i < 8; i++) {
                sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
