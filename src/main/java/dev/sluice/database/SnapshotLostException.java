package dev.sluice.database;

/**
 * A reader could not import a snapshot: the transaction that exported it has ended (its
 * connection dropped, its server restarted). What was read from it can no longer be
 * continued consistently; a new snapshot is needed.
 */
public class SnapshotLostException extends DatabaseUnavailableException {

    SnapshotLostException(Snapshot snapshot, Throwable cause) {
        super("The snapshot " + snapshot.id() + " taken at " + snapshot.takenAt()
                + " is gone: the transaction that held it has ended (" + cause.getMessage() + ").", cause);
    }

}
