package dev.sluice.storage;

/**
 * A resume state that no longer matches what is stored (the temporary file or multipart
 * upload is gone or shorter): the file must be started over.
 */
public class StaleUploadException extends RuntimeException {

    public StaleUploadException(String message) {
        super(message);
    }

}
