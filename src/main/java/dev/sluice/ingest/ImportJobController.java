package dev.sluice.ingest;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.sluice.job.Idempotency;
import dev.sluice.security.Caller;
import dev.sluice.storage.Storage;
import dev.sluice.web.RetryAfter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/imports}: submit an import of a stored export, poll it, cancel it. */
@RestController
class ImportJobController {

    private static final List<String> MODES = List.of("insert", "upsert");

    private final ImportJobPlanner planner;

    private final ImportJobs jobs;

    private final Storage storage;

    private final JsonMapper json;

    private final ImportJobProperties properties;

    private final ObjectProvider<ImportJobWorker> worker;

    private final Idempotency idempotency;

    ImportJobController(ImportJobPlanner planner, ImportJobs jobs, Storage storage, JsonMapper json,
            ImportJobProperties properties, ObjectProvider<ImportJobWorker> worker) {
        this.planner = planner;
        this.jobs = jobs;
        this.storage = storage;
        this.json = json;
        this.properties = properties;
        this.worker = worker;
        this.idempotency = new Idempotency("import", json);
    }

    @PostMapping("/v1/imports")
    Mono<ResponseEntity<ImportJobView>> submit(@RequestBody ImportJobRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey, Caller caller) {
        this.idempotency.checkKey(idempotencyKey, (detail) -> BadImportJobException.invalid("/", detail));
        String mode = (request.mode() != null) ? request.mode() : "insert";
        if (!MODES.contains(mode)) {
            throw BadImportJobException.invalid("/mode",
                    "'mode' is insert (the default) or upsert, not '" + mode + "'.");
        }
        String canonical = canonical(request, mode);
        Mono<ImportJobView> existing = (idempotencyKey != null) ? replay(idempotencyKey, canonical, caller)
                : Mono.empty();
        return existing.map((view) -> accepted(view, true))
            .switchIfEmpty(Mono.defer(() -> this.planner.plan(request, mode.equals("upsert"), caller)
                .flatMap((files) -> insert(request, mode, files, idempotencyKey, canonical, caller))
                .map((view) -> accepted(view, false))));
    }

    private Mono<ImportJobView> insert(ImportJobRequest request, String mode, List<ImportJobFile> files,
            @Nullable String idempotencyKey, String canonical, Caller caller) {
        UUID id = UUID.randomUUID();
        return this.jobs
            .insert(id, idempotencyKey, canonical, String.valueOf(request.manifest()), mode, this.storage.type(),
                    this.json.writeValueAsString(files), caller.owner())
            .doOnNext((inserted) -> this.worker.ifAvailable(ImportJobWorker::nudge))
            .flatMap((inserted) -> inserted ? view(id, caller)
                    : replay(String.valueOf(idempotencyKey), canonical, caller));
    }

    private Mono<ImportJobView> replay(String idempotencyKey, String canonical, Caller caller) {
        return this.jobs.idByIdempotencyKey(idempotencyKey)
            .flatMap(this.jobs::find)
            .map((job) -> ImportJobView.of(
                    this.idempotency.replay(idempotencyKey, job, canonical, caller.mayAccessJobOf(job.owner())),
                    this.json));
    }

    private ResponseEntity<ImportJobView> accepted(ImportJobView view, boolean replayed) {
        return Idempotency
            .replayed(
                    ResponseEntity.accepted()
                        .location(URI.create("/v1/imports/" + view.id()))
                        .headers(RetryAfter.of(view.open(), view.createdAt(), this.properties.retryAfterCap())),
                    replayed)
            .body(view);
    }

    @GetMapping("/v1/imports/{id}")
    Mono<ResponseEntity<ImportJobView>> status(@PathVariable String id, Caller caller) {
        return view(parse(id), caller).map((view) -> ResponseEntity.ok()
            .headers(RetryAfter.of(view.open(), view.createdAt(), this.properties.retryAfterCap()))
            .body(view));
    }

    /**
     * A queued job is cancelled at once (200); a running one is asked to stop (202) and
     * rolls back at its next heartbeat.
     */
    @DeleteMapping("/v1/imports/{id}")
    Mono<ResponseEntity<ImportJobView>> cancel(@PathVariable String id, Caller caller) {
        UUID uuid = parse(id);
        return this.jobs.find(uuid)
            .filter((job) -> caller.mayAccessJobOf(job.owner()))
            .switchIfEmpty(Mono.error(() -> notFound(id)))
            .flatMap((job) -> job.open() ? this.jobs.requestCancel(uuid).then() : Mono.empty())
            .then(view(uuid, caller))
            .map((view) -> (view.open() ? ResponseEntity.accepted() : ResponseEntity.ok()).body(view));
    }

    // Another caller's job is not found: its existence is not theirs to know either.
    private Mono<ImportJobView> view(UUID id, Caller caller) {
        return this.jobs.find(id)
            .filter((job) -> caller.mayAccessJobOf(job.owner()))
            .switchIfEmpty(Mono.error(() -> notFound(id.toString())))
            .map((job) -> ImportJobView.of(job, this.json));
    }

    private String canonical(ImportJobRequest request, String mode) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("manifest", request.manifest());
        canonical.put("datasets", (request.datasets() != null) ? new TreeMap<>(request.datasets()) : Map.of());
        canonical.put("mode", mode);
        return this.json.writeValueAsString(canonical);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        }
        catch (IllegalArgumentException ex) {
            throw notFound(id);
        }
    }

    private static ErrorResponseException notFound(String id) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "No import job with id '" + id + "'.");
        problem.setTitle("Not found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }

}
