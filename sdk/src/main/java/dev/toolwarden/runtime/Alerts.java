package dev.toolwarden.runtime;

import dev.toolwarden.Alert;
import dev.toolwarden.AlertListener;
import dev.toolwarden.events.ResourceAlertEvent;
import dev.toolwarden.log.InternalErrors;
import java.util.concurrent.CopyOnWriteArrayList;

/** Delivers alerts: a {@code toolwarden.ResourceAlert} event and a call to each registered listener. */
final class Alerts {

    private final CopyOnWriteArrayList<AlertListener> listeners = new CopyOnWriteArrayList<>();
    private final InternalErrors errors;
    /**
     * Delivers to the listeners, in order, on a thread of its own: an alert is raised on the
     * watchdog, the sampler or an application thread, none of which may wait for a listener (a
     * webhook, a lock). Created with the first listener.
     */
    private volatile java.util.concurrent.ExecutorService delivery;

    Alerts(InternalErrors errors) {
        this.errors = errors;
    }

    private java.util.concurrent.ExecutorService delivery() {
        java.util.concurrent.ExecutorService d = delivery;
        if (d == null) {
            synchronized (this) {
                d = delivery;
                if (d == null) {
                    java.util.concurrent.ThreadPoolExecutor e = new java.util.concurrent.ThreadPoolExecutor(1, 1, 30,
                            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(10_000),
                            DaemonThreads.named("toolwarden-alerts", false), new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
                    e.allowCoreThreadTimeOut(true);
                    delivery = d = e;
                }
            }
        }
        return d;
    }

    void add(AlertListener listener) {
        listeners.add(listener);
    }

    void remove(AlertListener listener) {
        listeners.remove(listener);
    }

    void raise(Alert alert) {
        if (dev.toolwarden.events.Jfr.resourceAlert()) {
            ResourceAlertEvent e = new ResourceAlertEvent();
            e.resource = alert.resource();
            e.level = alert.level();
            e.value = alert.value();
            e.threshold = alert.threshold();
            e.subject = alert.subject();
            e.cleared = alert.cleared();
            e.commit();
        }
        if (listeners.isEmpty()) {
            return;
        }
        delivery().execute(() -> {
            for (AlertListener l : listeners) {
                try {
                    l.onAlert(alert);
                } catch (Throwable ex) {
                    errors.record("an alert listener (" + l.getClass().getName() + ")", ex);
                }
            }
        });
    }
}
