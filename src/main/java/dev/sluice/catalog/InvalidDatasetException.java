package dev.sluice.catalog;

/**
 * A dataset's configuration does not match the database; startup stops with this message.
 */
public class InvalidDatasetException extends RuntimeException {

    public InvalidDatasetException(String dataset, String message) {
        super("Dataset '" + dataset + "': " + message);
    }

}
