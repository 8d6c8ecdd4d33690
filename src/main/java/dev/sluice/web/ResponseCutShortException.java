package dev.sluice.web;

/**
 * A response failed after it had started, and its connection was closed without a clean
 * end. The failure is kept as a suppressed exception rather than as the cause: WebFlux
 * reads the causes' messages to decide whether the client went away, and a database's
 * "connection reset by peer" must not pass for that.
 */
public class ResponseCutShortException extends RuntimeException {

    public ResponseCutShortException(Throwable failure) {
        super("The response failed after it had started and was cut short: " + failure.getClass().getName());
        addSuppressed(failure);
    }

}
