package dev.sluice;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps every statement of Sluice's own that PostgreSQL refused as a bug (a syntax error,
 * a function the server lacks), for {@link StatementFaultCheck} to fail on.
 */
public class StatementFaultRecorder extends AppenderBase<ILoggingEvent> {

    static final List<String> faults = new CopyOnWriteArrayList<>();

    /**
     * The faults recorded so far, which are then forgotten (for a test that causes one).
     */
    public static List<String> take() {
        List<String> taken = List.copyOf(faults);
        faults.removeAll(taken);
        return taken;
    }

    @Override
    protected void append(ILoggingEvent event) {
        faults.add(event.getFormattedMessage());
    }

}
