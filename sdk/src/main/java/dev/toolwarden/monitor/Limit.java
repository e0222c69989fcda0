package dev.toolwarden.monitor;

import dev.toolwarden.Alert;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A soft and a hard limit on one value (a resource, or one subject of it: a pool, a conversation).
 * Each level is crossed when the value reaches it, and cleared when the value falls below it by
 * the hysteresis margin; every crossing and every clearing raises one alert. A value that hovers
 * at the line therefore alerts once, not on every sample. A limit may also ask for the value to stay
 * at a level for a number of samples in a row before it counts as crossed (CPU load, which spikes
 * for a second at every JVM start-up and garbage collection). Not thread-safe: one sampler updates it.
 */
public final class Limit {

    /** How far below a level the value must fall to clear it, as a fraction of the level: 5 %. */
    public static final double HYSTERESIS = 0.05;

    private final String resource;
    private final String subject;
    private volatile double soft;
    private volatile double hard;
    private volatile boolean softActive;
    private volatile boolean hardActive;
    private volatile double last = Double.NaN;
    private final int hold;
    private int samplesOverSoft;
    private int samplesOverHard;

    /**
     * @param resource what is limited: MEMORY, CPU, CONVERSATION_MEMORY, DB_CONNECTIONS
     * @param subject what the value belongs to (a conversation id, a pool name), or {@code null}
     * @param soft the soft level
     * @param hard the hard level
     */
    public Limit(String resource, String subject, double soft, double hard) {
        this(resource, subject, soft, hard, 1);
    }

    /**
     * @param resource what is limited
     * @param subject what the value belongs to, or {@code null}
     * @param soft the soft level
     * @param hard the hard level
     * @param hold samples in a row at a level before it counts as crossed (1: at once)
     */
    public Limit(String resource, String subject, double soft, double hard, int hold) {
        this.resource = resource;
        this.subject = subject;
        this.soft = soft;
        this.hard = hard;
        this.hold = Math.max(1, hold);
    }

    /**
     * Checks a new value; raises an alert for each level it crosses or clears.
     *
     * @param value the value now; NaN (unknown) changes nothing
     * @param now when it was read
     * @param alerts receives the alerts
     */
    public void update(double value, Instant now, Consumer<Alert> alerts) {
        if (Double.isNaN(value) || value < 0) {
            return; // unknown (NaN, or -1 from a sampler that says so): no change either way
        }
        last = value;
        samplesOverSoft = value >= soft ? samplesOverSoft + 1 : 0;
        samplesOverHard = value >= hard ? samplesOverHard + 1 : 0;
        if (!softActive && samplesOverSoft >= hold) {
            softActive = true;
            alerts.accept(new Alert(resource, "SOFT", value, soft, subject, false, now));
        }
        if (!hardActive && samplesOverHard >= hold) {
            hardActive = true;
            alerts.accept(new Alert(resource, "HARD", value, hard, subject, false, now));
        }
        if (hardActive && value < hard * (1 - HYSTERESIS)) {
            hardActive = false;
            alerts.accept(new Alert(resource, "HARD", value, hard, subject, true, now));
        }
        if (softActive && value < soft * (1 - HYSTERESIS)) {
            softActive = false;
            alerts.accept(new Alert(resource, "SOFT", value, soft, subject, true, now));
        }
    }

    /** @return whether the hard level holds */
    public boolean hard() {
        return hardActive;
    }

    /** @return whether the soft level holds */
    public boolean soft() {
        return softActive;
    }

    /** @return the last known value, or NaN */
    public double value() {
        return last;
    }

    /** @return the resource */
    public String resource() {
        return resource;
    }

    /** @return the subject, or {@code null} */
    public String subject() {
        return subject;
    }

    /** @return the soft level */
    public double softLevel() {
        return soft;
    }

    /** @return the hard level */
    public double hardLevel() {
        return hard;
    }

    /**
     * @param now when
     * @return the alerts that hold now, as they were raised (with the last value)
     */
    public java.util.List<Alert> active(Instant now) {
        java.util.List<Alert> out = new java.util.ArrayList<>(2);
        if (softActive) {
            out.add(new Alert(resource, "SOFT", last, soft, subject, false, now));
        }
        if (hardActive) {
            out.add(new Alert(resource, "HARD", last, hard, subject, false, now));
        }
        return out;
    }
}
