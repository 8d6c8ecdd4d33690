package dev.sluice;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/** Keeps every leak report Netty logs, for {@link LeakCheck} to fail on. */
public class LeakRecorder extends AppenderBase<ILoggingEvent> {

    static final List<String> reports = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        reports.add(event.getFormattedMessage());
    }

}
