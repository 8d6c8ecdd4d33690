package dev.sluice.stream;

/** The connection under a response closed before the response was complete. */
class ClientGoneException extends RuntimeException {

    ClientGoneException() {
        super("The connection closed before the response was complete", null, false, false);
    }

}
