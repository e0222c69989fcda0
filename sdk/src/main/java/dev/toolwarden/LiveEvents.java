package dev.toolwarden;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * Toolwarden's JFR events as they happen in this JVM, for an application that wants to act on
 * them live: print alerts, page someone, shed its own load. Built on
 * {@link RecordingStream}: events arrive on JFR's streaming thread about once a second, in
 * batches, whether or not another recording runs. Subscribing to {@link #EXECUTION} records every
 * call while the subscription is open, whatever threshold another recording's settings give the
 * event. Where JFR is unavailable, subscribing prints one warning and delivers nothing.
 *
 * <pre>{@code
 * try (LiveEvents.Subscription s = LiveEvents.subscribe(e ->
 *         System.out.println("alert: " + e.getString("resource") + " " + e.getString("level")),
 *         LiveEvents.RESOURCE_ALERT)) {
 *     ... run the application ...
 * }
 * }</pre>
 */
public final class LiveEvents {

    /** {@code toolwarden.Execution}: every woven call. */
    public static final String EXECUTION = "toolwarden.Execution";
    /** {@code toolwarden.Timeout}: a soft or hard limit passed. */
    public static final String TIMEOUT = "toolwarden.Timeout";
    /** {@code toolwarden.ResourceAlert}: a limit crossed or cleared. */
    public static final String RESOURCE_ALERT = "toolwarden.ResourceAlert";

    private LiveEvents() {
    }

    /** A subscription; closing it stops the stream. */
    public interface Subscription extends AutoCloseable {
        /** Stops delivering events. */
        @Override
        void close();
    }

    /**
     * Delivers the named events to {@code listener} until the subscription is closed. An exception
     * from the listener is reported once on standard error and does not stop the stream.
     *
     * @param listener called on JFR's streaming thread for each event
     * @param eventNames the events wanted, such as {@link #RESOURCE_ALERT}; none means the three above
     * @return the subscription
     */
    public static Subscription subscribe(Consumer<RecordedEvent> listener, String... eventNames) {
        String[] names = eventNames.length == 0 ? new String[] {EXECUTION, TIMEOUT, RESOURCE_ALERT} : eventNames;
        try {
            return open(listener, names);
        } catch (RuntimeException | LinkageError e) {
            // No JFR in this JVM (jdk.jfr left out of a jlink image), or no room for its repository:
            // the application goes on, without live events.
            System.err.println("[toolwarden] warn: live events are unavailable (" + e + "); the subscription delivers"
                    + " nothing");
            return () -> { };
        }
    }

    private static Subscription open(Consumer<RecordedEvent> listener, String[] names) {
        RecordingStream stream = new RecordingStream();
        try {
            // Each event its own object: a listener may hand it to another thread (to page someone, say), and a
            // reused one would be overwritten by the next event meanwhile.
            stream.setReuse(false);
            AtomicBoolean reported = new AtomicBoolean();
            for (String name : names) {
                stream.enable(name).withoutThreshold();
                stream.onEvent(name, e -> {
                    try {
                        listener.accept(e);
                    } catch (VirtualMachineError fatal) {
                        throw fatal;
                    } catch (Throwable ex) {
                        // Anything else the listener throws would end JFR's streaming thread while the
                        // recording behind it went on filling the disk: report it once and carry on.
                        if (reported.compareAndSet(false, true)) {
                            System.err.println("[toolwarden] warn: a LiveEvents listener threw " + ex
                                    + "; later failures of this listener are not reported");
                        }
                    }
                });
            }
            stream.startAsync();
            return stream::close;
        } catch (RuntimeException | Error e) {
            stream.close();
            throw e;
        }
    }
}
