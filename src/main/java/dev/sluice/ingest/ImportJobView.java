package dev.sluice.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.job.JobState;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An import job's status as clients see it. Rows inserted and updated are counted in the
 * job's transaction: they are committed only once it has succeeded, and a job that failed
 * or was cancelled shows none.
 *
 * @param error what went wrong, in words a user can act on (after a failure; also while a
 * job waits to retry after a passing one)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImportJobView(UUID id, JobState state, String manifest, String mode, Instant createdAt,
        @Nullable Instant startedAt, @Nullable Instant finishedAt, int attempts, boolean cancelRequested,
        Progress progress, @Nullable String error) {

    static ImportJobView of(ImportJob job, JsonMapper json) {
        List<ImportJobFile> files = json.readValue(job.files(), new TypeReference<List<ImportJobFile>>() {
        });
        List<ImportJobProgress> progress = (job.progress() != null)
                ? json.readValue(job.progress(), new TypeReference<List<ImportJobProgress>>() {
                }) : List.of();
        boolean rolledBack = job.state() == JobState.FAILED || job.state() == JobState.CANCELLED;
        List<FileView> views = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            ImportJobFile file = files.get(i);
            ImportJobProgress done = (i < progress.size()) ? progress.get(i) : ImportJobProgress.NONE;
            views.add(new FileView(file.name(), file.dataset(), file.target(), file.format(), done.rows(), done.bytes(),
                    file.rows(), file.bytes(), rolledBack ? 0 : done.inserted(), rolledBack ? 0 : done.updated(),
                    done.done(), rolledBack ? null : done.report()));
        }
        Progress total = new Progress(views.stream().mapToLong(FileView::rows).sum(),
                views.stream().mapToLong(FileView::bytes).sum(), views.stream().mapToLong(FileView::inserted).sum(),
                views.stream().mapToLong(FileView::updated).sum(), views);
        return new ImportJobView(job.id(), job.state(), job.manifest(), job.mode(), job.createdAt(), job.startedAt(),
                job.finishedAt(), job.attempt(), job.cancelRequested(), total, job.error());
    }

    boolean open() {
        return this.state.open();
    }

    /**
     * @param rows lines read, all files
     * @param bytes stored bytes read, all files
     */
    record Progress(long rows, long bytes, long inserted, long updated, List<FileView> files) {
    }

    /**
     * @param rows lines read so far
     * @param bytes stored bytes read so far
     * @param expectedRows the rows the manifest gives
     * @param expectedBytes the stored bytes the manifest gives
     * @param done imported, its checksums matched
     * @param report the import's answer for this file, as {@code POST
     * /v1/datasets/{name}/rows} gives it, once done
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileView(String name, String dataset, String target, String format, long rows, long bytes, long expectedRows,
            long expectedBytes, long inserted, long updated, boolean done, @Nullable JsonNode report) {
    }

}
