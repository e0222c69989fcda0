package dev.toolwarden.monitor;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final List<Alert> alerts = new ArrayList<>();
    private int tick;

    private void feed(Limit limit, double... values) {
        for (double v : values) {
            limit.update(v, T0.plusSeconds(tick++), alerts::add);
        }
    }

    private static String describe(List<Alert> list) {
        StringBuilder sb = new StringBuilder();
        for (Alert a : list) {
            sb.append(a.level()).append(a.cleared() ? "-cleared" : "").append('@').append(a.value()).append(' ');
        }
        return sb.toString().trim();
    }

    private static void assertAlert(Alert a, String level, double value, double threshold, String subject,
            boolean cleared) {
        assertAll(
                () -> assertEquals("CPU", a.resource(), "resource"),
                () -> assertEquals(level, a.level(), "level"),
                () -> assertEquals(value, a.value(), 0.0, "value"),
                () -> assertEquals(threshold, a.threshold(), 0.0, "threshold"),
                () -> assertEquals(subject, a.subject(), "subject"),
                () -> assertEquals(cleared, a.cleared(), "cleared"));
    }

    @Test
    void crossingSoftThenHardRaisesOneAlertEach() {
        Limit limit = new Limit("CPU", "pool-1", 80, 90);
        feed(limit, 50, 81);
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 81, 80, "pool-1", false);
        assertEquals(T0.plusSeconds(1), alerts.get(0).time(), "the alert carries the sample's time");
        assertTrue(limit.soft());
        assertFalse(limit.hard());

        feed(limit, 92);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "HARD", 92, 90, "pool-1", false);
        assertTrue(limit.soft());
        assertTrue(limit.hard());
        assertEquals(92, limit.value(), 0.0);
    }

    @Test
    void valueExactlyAtTheLevelCrossesIt() {
        Limit limit = new Limit("CPU", null, 80, 90);
        feed(limit, 80);
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 80, 80, null, false);
        feed(limit, 90);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "HARD", 90, 90, null, false);
    }

    @Test
    void stayingAboveRaisesNothingMore() {
        Limit limit = new Limit("CPU", null, 80, 90);
        feed(limit, 95);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        feed(limit, 96, 99, 91, 100, 93);
        assertEquals(2, alerts.size(), () -> "no alert while the value stays above: " + describe(alerts));
        assertTrue(limit.hard());
    }

    @Test
    void hoveringAroundTheLevelAlertsOnce() {
        Limit limit = new Limit("CPU", null, 80, 90);
        // Clearing needs a value below 80 * 0.95 = 76.
        feed(limit, 80.1, 79.0, 80.2, 78.5, 80.0, 76.5, 79.9, 76.01);
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 80.1, 80, null, false);
        assertTrue(limit.soft(), "the soft level still holds while the value stays within the hysteresis");
    }

    @Test
    void clearingNeedsTheValueBelowTheHysteresisMargin() {
        Limit limit = new Limit("CPU", null, 80, 90);
        double clearAt = 80 * (1 - Limit.HYSTERESIS);
        feed(limit, 85, clearAt);
        assertEquals(1, alerts.size(), () -> "exactly at level*(1-HYSTERESIS) does not clear: " + describe(alerts));
        feed(limit, clearAt - 0.01);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "SOFT", clearAt - 0.01, 80, null, true);
        assertFalse(limit.soft());
    }

    @Test
    void fallingBelowClearsHardBeforeSoft() {
        Limit limit = new Limit("CPU", "s", 80, 90);
        feed(limit, 95);
        alerts.clear();
        feed(limit, 10);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "HARD", 10, 90, "s", true);
        assertAlert(alerts.get(1), "SOFT", 10, 80, "s", true);
        assertFalse(limit.soft());
        assertFalse(limit.hard());
        feed(limit, 5, 0, 12);
        assertEquals(2, alerts.size(), () -> "one cleared alert per level only: " + describe(alerts));
    }

    @Test
    void fallingBetweenTheLevelsClearsOnlyHard() {
        Limit limit = new Limit("CPU", null, 80, 90);
        feed(limit, 95);
        alerts.clear();
        // 90 * 0.95 = 85.5: 86 keeps the hard level, 85 clears it; the soft level holds.
        feed(limit, 86);
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
        assertTrue(limit.hard());
        feed(limit, 85);
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "HARD", 85, 90, null, true);
        assertTrue(limit.soft());
        assertFalse(limit.hard());
    }

    @Test
    void recrossingAfterClearingAlertsAgain() {
        Limit limit = new Limit("CPU", null, 80, 90);
        feed(limit, 81, 50, 82);
        assertEquals(3, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(2), "SOFT", 82, 80, null, false);
    }

    @Test
    void jumpingFromZeroOverHardRaisesSoftAndHard() {
        Limit limit = new Limit("CPU", "x", 80, 90);
        feed(limit, 0, 99);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 99, 80, "x", false);
        assertAlert(alerts.get(1), "HARD", 99, 90, "x", false);
    }

    @Test
    void nanChangesNothing() {
        Limit limit = new Limit("CPU", null, 80, 90);
        assertTrue(Double.isNaN(limit.value()), "no value before the first sample");
        feed(limit, Double.NaN);
        assertTrue(alerts.isEmpty());
        assertTrue(Double.isNaN(limit.value()));

        feed(limit, 95, Double.NaN);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertTrue(limit.hard(), "NaN does not clear");
        assertEquals(95, limit.value(), 0.0, "NaN does not replace the last known value");
        feed(limit, Double.NaN, Double.NaN);
        assertEquals(2, alerts.size(), () -> describe(alerts));
    }

    @Test
    void aNegativeReadingIsUnknownToo() {
        Limit limit = new Limit("CPU", null, 80, 90);
        feed(limit, 95, -1, -1);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertTrue(limit.hard(), "-1 (a sampler's unknown) does not clear a hard level");
        assertEquals(95, limit.value(), 0.0);
    }

    @Test
    void nanDoesNotBreakARunOfHeldSamples() {
        Limit limit = new Limit("CPU", null, 80, 90, 3);
        feed(limit, 95, Double.NaN, 95, Double.NaN);
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
        feed(limit, 95);
        assertEquals(2, alerts.size(), () -> "third sample over the levels, NaN in between skipped: " + describe(alerts));
    }

    @Test
    void holdIgnoresASingleSpike() {
        Limit limit = new Limit("CPU", null, 70, 85, 3);
        feed(limit, 10, 99, 10, 99, 99, 10, 99, 10);
        assertTrue(alerts.isEmpty(), () -> "spikes shorter than the hold raise nothing: " + describe(alerts));
        assertFalse(limit.soft());
        assertFalse(limit.hard());
    }

    @Test
    void holdRaisesOneAlertAfterARunOfHoldSamples() {
        Limit limit = new Limit("CPU", null, 70, 85, 3);
        feed(limit, 99, 99);
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
        feed(limit, 98);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 98, 70, null, false);
        assertAlert(alerts.get(1), "HARD", 98, 85, null, false);
        feed(limit, 99, 97, 96);
        assertEquals(2, alerts.size(), () -> "nothing more while it stays: " + describe(alerts));
    }

    @Test
    void holdCountsEachLevelOnItsOwn() {
        Limit limit = new Limit("CPU", null, 70, 85, 2);
        feed(limit, 75, 90);
        assertEquals(1, alerts.size(), () -> "two samples over soft, one over hard: " + describe(alerts));
        assertAlert(alerts.get(0), "SOFT", 90, 70, null, false);
        feed(limit, 90);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "HARD", 90, 85, null, false);
    }

    @Test
    void holdDoesNotDelayClearing() {
        Limit limit = new Limit("CPU", null, 70, 85, 3);
        feed(limit, 99, 99, 99);
        alerts.clear();
        feed(limit, 0);
        assertEquals(2, alerts.size(), () -> "one sample below clears at once: " + describe(alerts));
        assertAlert(alerts.get(0), "HARD", 0, 85, null, true);
        assertAlert(alerts.get(1), "SOFT", 0, 70, null, true);
    }

    @Test
    void holdOfZeroOrLessMeansAtOnce() {
        Limit limit = new Limit("CPU", null, 70, 85, 0);
        feed(limit, 99);
        assertEquals(2, alerts.size(), () -> describe(alerts));
    }

    @Test
    void activeListsTheLevelsThatHold() {
        Limit limit = new Limit("CPU", "pool", 80, 90);
        Instant now = T0.plusSeconds(1000);
        assertTrue(limit.active(now).isEmpty());

        feed(limit, 85);
        List<Alert> active = limit.active(now);
        assertEquals(1, active.size(), () -> describe(active));
        assertAlert(active.get(0), "SOFT", 85, 80, "pool", false);
        assertEquals(now, active.get(0).time());

        feed(limit, 93);
        List<Alert> both = limit.active(now);
        assertEquals(2, both.size(), () -> describe(both));
        assertAlert(both.get(0), "SOFT", 93, 80, "pool", false);
        assertAlert(both.get(1), "HARD", 93, 90, "pool", false);

        feed(limit, 84);
        List<Alert> softOnly = limit.active(now);
        assertEquals(1, softOnly.size(), () -> describe(softOnly));
        assertAlert(softOnly.get(0), "SOFT", 84, 80, "pool", false);

        feed(limit, 1);
        assertTrue(limit.active(now).isEmpty());
    }

    @Test
    void accessorsReturnWhatWasGiven() {
        Limit limit = new Limit("CONVERSATION_MEMORY", "c-7", 1000, 2000);
        assertEquals("CONVERSATION_MEMORY", limit.resource());
        assertEquals("c-7", limit.subject());
        assertEquals(1000, limit.softLevel(), 0.0);
        assertEquals(2000, limit.hardLevel(), 0.0);
        assertNull(new Limit("CPU", null, 1, 2).subject());
    }
}
