package dev.toolwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.config.ArgumentRecording;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentTextTest {

    private static final String SECRET = "my password is hunter2";

    @Test
    void noneRecordsNothing() {
        assertNull(ArgumentText.of(ArgumentRecording.NONE, new Object[] {SECRET, 42}));
    }

    @Test
    void missingArgumentsRecordNothing() {
        assertNull(ArgumentText.of(ArgumentRecording.HASH, null));
        assertNull(ArgumentText.of(ArgumentRecording.FULL, null));
    }

    @Test
    void hashGivesOneSha256DigestPerArgument() {
        String text = ArgumentText.of(ArgumentRecording.HASH, new Object[] {SECRET, 42});
        assertTrue(text.matches("\\[sha256:[0-9a-f]{16}, sha256:[0-9a-f]{16}\\]"), text);
    }

    @Test
    void hashDoesNotContainTheValue() {
        String text = ArgumentText.of(ArgumentRecording.HASH, new Object[] {SECRET});
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("password"), text);
    }

    @Test
    void hashIsStableForEqualValues() {
        String first = ArgumentText.of(ArgumentRecording.HASH, new Object[] {SECRET});
        String second = ArgumentText.of(ArgumentRecording.HASH, new Object[] {new String(SECRET)});
        assertEquals(first, second);
    }

    @Test
    void hashIsTheKnownSha256Prefix() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("sha256:ba7816bf8f01cfea", ArgumentText.digest("abc"));
        assertEquals("[sha256:ba7816bf8f01cfea]", ArgumentText.of(ArgumentRecording.HASH, new Object[] {"abc"}));
    }

    @Test
    void hashTellsDifferentValuesApart() {
        assertNotEquals(ArgumentText.of(ArgumentRecording.HASH, new Object[] {"question one"}),
                ArgumentText.of(ArgumentRecording.HASH, new Object[] {"question two"}));
    }

    @Test
    void hashOfEqualArraysIsEqual() {
        assertEquals(ArgumentText.of(ArgumentRecording.HASH, new Object[] {new int[] {1, 2, 3}}),
                ArgumentText.of(ArgumentRecording.HASH, new Object[] {new int[] {1, 2, 3}}));
    }

    @Test
    void fullRecordsTheValues() {
        assertEquals("[hello, 42, null]", ArgumentText.of(ArgumentRecording.FULL, new Object[] {"hello", 42, null}));
    }

    @Test
    void fullRecordsNoArgumentsAsEmptyBrackets() {
        assertEquals("[]", ArgumentText.of(ArgumentRecording.FULL, new Object[0]));
    }

    @Test
    void fullShortensLongValues() {
        String longValue = "x".repeat(10_000);
        String text = ArgumentText.of(ArgumentRecording.FULL, new Object[] {longValue, "short"});
        assertEquals("[" + "x".repeat(ArgumentText.MAX_LENGTH) + "..., short]", text);
    }

    @Test
    void fullKeepsValuesOfExactlyTheMaximumLength() {
        String value = "y".repeat(ArgumentText.MAX_LENGTH);
        assertEquals("[" + value + "]", ArgumentText.of(ArgumentRecording.FULL, new Object[] {value}));
    }

    @Test
    void primitiveArraysArePrintedByContent() {
        assertEquals("[[1, 2, 3], [true, false], [a, b]]", ArgumentText.of(ArgumentRecording.FULL,
                new Object[] {new int[] {1, 2, 3}, new boolean[] {true, false}, new char[] {'a', 'b'}}));
    }

    @Test
    void objectArraysArePrintedByContentAllTheWayDown() {
        assertEquals("[[a, [b, c], [1, 2]]]", ArgumentText.of(ArgumentRecording.FULL,
                new Object[] {new Object[] {"a", new String[] {"b", "c"}, new long[] {1, 2}}}));
    }

    @Test
    void collectionsArePrintedByTheirOwnText() {
        assertEquals("[[a, b]]", ArgumentText.of(ArgumentRecording.FULL, new Object[] {List.of("a", "b")}));
    }
}
