package dev.toolwarden.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightsTest {

    @Test
    void stringsGrowWithTheirLength() {
        int small = Weights.estimate("a".repeat(10));
        int large = Weights.estimate("a".repeat(1010));
        assertTrue(large > small);
        assertTrue(large - small >= 1000, "1000 more characters weigh " + (large - small) + " more bytes");
        assertTrue(Weights.estimate("a".repeat(1000)) >= 1000);
    }

    @Test
    void byteArraysWeighTheirLength() {
        assertEquals(1000, Weights.estimate(new byte[1000]) - Weights.estimate(new byte[0]));
        assertTrue(Weights.estimate(new byte[1 << 20]) >= 1 << 20);
    }

    @Test
    void charArraysAndOtherCharSequencesWeighTwoBytesPerChar() {
        assertEquals(200, Weights.estimate(new char[100]) - Weights.estimate(new char[0]));
        assertEquals(200, Weights.estimate(new StringBuilder("b".repeat(100)))
                - Weights.estimate(new StringBuilder()));
    }

    @Test
    void boxedValuesHaveOneSmallSize() {
        int n = Weights.estimate(1);
        assertEquals(n, Weights.estimate(1L));
        assertEquals(n, Weights.estimate(2.5));
        assertEquals(n, Weights.estimate(Boolean.TRUE));
        assertEquals(n, Weights.estimate('c'));
        assertTrue(n < Weights.UNKNOWN_OBJECT);
    }

    @Test
    void collectionsSumTheirElements() {
        String a = "a".repeat(500);
        String b = "b".repeat(700);
        int ea = Weights.estimate(a);
        int eb = Weights.estimate(b);
        assertTrue(Weights.estimate(List.of(a, b)) >= ea + eb);
        assertTrue(Weights.estimate(List.of(a, b)) > Weights.estimate(List.of(a)));
        assertTrue(Weights.estimate(Set.of(a, b)) >= ea + eb);
        assertEquals(Weights.estimate(List.of(a, b)) - Weights.estimate(List.of(a)),
                Weights.estimate(List.of(b, b)) - Weights.estimate(List.of(b)), "an element adds its own weight");
        assertTrue(Weights.estimate(new Object[] {a, b}) >= ea + eb);
        assertTrue(Weights.estimate(Map.of("k", b)) >= eb + Weights.estimate("k"));
        assertTrue(Weights.estimate(Map.of(a, b)) >= ea + eb, "map keys count too");
        assertTrue(Weights.estimate(List.of(new byte[4000])) >= 4000);
    }

    @Test
    void unknownObjectsWeighUnknownObject() {
        assertEquals(Weights.UNKNOWN_OBJECT, Weights.estimate(new Object()));
        assertEquals(Weights.UNKNOWN_OBJECT, Weights.estimate(Optional.of("x".repeat(10_000))));
        assertEquals(Weights.UNKNOWN_OBJECT, Weights.estimate(new Thread(() -> { })));
    }

    @Test
    void neverBelowOne() {
        assertTrue(Weights.estimate(null) >= 1);
        assertTrue(Weights.estimate("") >= 1);
        assertTrue(Weights.estimate(new byte[0]) >= 1);
        assertTrue(Weights.estimate(List.of()) >= 1);
        assertTrue(Weights.estimate(Map.of()) >= 1);
        assertTrue(Weights.estimate(new Object[0]) >= 1);
    }

    @Test
    void selfContainingAndHugeValuesAreBounded() {
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        loop.add("x");
        assertTrue(Weights.estimate(loop) >= 1, "a self-containing list must not be walked forever");

        // 3000 references to one 1 MB array: about 3 GB estimated, capped at Integer.MAX_VALUE
        assertEquals(Integer.MAX_VALUE, Weights.estimate(Collections.nCopies(3000, new byte[1 << 20])));
    }
}
