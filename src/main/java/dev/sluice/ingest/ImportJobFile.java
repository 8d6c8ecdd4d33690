package dev.sluice.ingest;

import dev.sluice.security.Tenant;
import org.jspecify.annotations.Nullable;

/**
 * One file of an import job, as planned at submission.
 *
 * @param key where the file is in storage
 * @param dataset the dataset the export read it from
 * @param target the dataset of this server it is imported into
 * @param format {@code ndjson} or {@code csv}
 * @param rows the rows the manifest says it holds
 * @param bytes the stored bytes the manifest says it has
 * @param sha256 the stored bytes' SHA-256 the manifest gives
 * @param tenantColumn the target's tenant column, if it is bound to a tenant
 * @param tenantValue the submitter's tenant there: every row must carry it
 */
record ImportJobFile(String name, String key, String dataset, String target, String format, boolean gzip, long rows,
        long bytes, String sha256, @Nullable String tenantColumn, @Nullable String tenantValue) {

    /**
     * The tenant the rows are confined to, stored at submission; the worker has no
     * caller.
     */
    @Nullable Tenant tenant() {
        return (this.tenantColumn != null && this.tenantValue != null) ? new Tenant(this.tenantColumn, this.tenantValue)
                : null;
    }

}
