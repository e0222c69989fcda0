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

    Alerts(InternalErrors errors) {
        this.errors = errors;
    }

    void add(AlertListener listener) {
        listeners.add(listener);
    }

    void remove(AlertListener listener) {
        listeners.remove(listener);
    }

    void raise(Alert alert) {
        ResourceAlertEvent e = new ResourceAlertEvent();
        if (e.isEnabled()) {
            e.resource = alert.resource();
            e.level = alert.level();
            e.value = alert.value();
            e.threshold = alert.threshold();
            e.subject = alert.subject();
            e.cleared = alert.cleared();
            e.commit();
        }
        for (AlertListener l : listeners) {
            try {
                l.onAlert(alert);
            } catch (RuntimeException ex) {
                errors.record("an alert listener (" + l.getClass().getName() + ")", ex);
            }
        }
    }
}
