package dev.sluice.ingest;

import java.util.Optional;
import java.util.UUID;

import dev.sluice.security.Caller;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Who may import a stored manifest: an export's files are its owner's (and the
 * administrators'), to import as to download; a manifest of another caller's export, or
 * one that is none of this server's exports (copied into the store from elsewhere), takes
 * an administrator. Without this a caller who may write one dataset could copy any export
 * into it and read it there.
 */
@Component
class ManifestAccess {

    private final DatabaseClient client;

    ManifestAccess(DatabaseClient client) {
        this.client = client;
    }

    /**
     * Completes if the caller may import the manifest; otherwise fails with a 403 problem
     * that is the same whether the export is another caller's or not there, as other
     * callers' jobs are to anyone but an administrator.
     */
    Mono<Void> check(String key, Caller caller) {
        if (caller.administrator()) {
            return Mono.empty();
        }
        Optional<UUID> export = exportId(key);
        if (export.isEmpty()) {
            return Mono.error(() -> notYours(key, caller));
        }
        // The export table is read here, not through the export feature, which imports
        // stand beside (ArchitectureTests).
        return this.client.sql("SELECT owner FROM sluice_export WHERE id = :id")
            .bind("id", export.get())
            .map((row) -> Optional.ofNullable(row.get("owner", String.class)))
            .one()
            .filter((owner) -> caller.mayAccessJobOf(owner.orElse(null)))
            .switchIfEmpty(Mono.error(() -> notYours(key, caller)))
            .then();
    }

    /**
     * The export a key names as {@code <export id>/manifest.json}, if it has that form.
     */
    static Optional<UUID> exportId(String key) {
        int slash = key.indexOf('/');
        if (slash != 36 || !key.substring(slash + 1).equals("manifest.json")) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(key.substring(0, slash));
            return id.toString().equals(key.substring(0, slash)) ? Optional.of(id) : Optional.empty();
        }
        catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    private static RuntimeException notYours(String key, Caller caller) {
        return caller.administratorOnly("'" + key + "' is not the manifest of one of your exports. Importing the"
                + " manifest of another caller's export, or one copied into storage from elsewhere,");
    }

}
