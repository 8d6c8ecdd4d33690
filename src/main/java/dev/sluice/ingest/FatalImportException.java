package dev.sluice.ingest;

/**
 * A fault that ends an import whatever {@code onError} says: a CSV header that does not
 * fit the dataset, so that no line after it can be read.
 */
class FatalImportException extends RuntimeException {

    private final ImportError error;

    FatalImportException(ImportError error) {
        super(error.reason(), null, false, false);
        this.error = error;
    }

    ImportError error() {
        return this.error;
    }

}
