package dev.sluice.export;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.sluice.catalog.Column;
import dev.sluice.job.Idempotency;
import dev.sluice.job.JobState;
import dev.sluice.query.BadQueryException;
import dev.sluice.query.Confinement;
import dev.sluice.security.Caller;
import dev.sluice.storage.Storage;
import dev.sluice.web.RetryAfter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /v1/exports}: submit, poll, listen, list, cancel. */
@RestController
class ExportController {

    private static final int MAX_PAGE = 100;

    private final ExportPlanner planner;

    private final ExportJobs jobs;

    private final Storage storage;

    private final JsonMapper json;

    private final ExportProperties properties;

    private final Expiry expiry;

    private final ObjectProvider<ExportWorker> worker;

    private final Idempotency idempotency;

    ExportController(ExportPlanner planner, ExportJobs jobs, Storage storage, JsonMapper json,
            ExportProperties properties, Expiry expiry, ObjectProvider<ExportWorker> worker) {
        this.planner = planner;
        this.jobs = jobs;
        this.storage = storage;
        this.json = json;
        this.properties = properties;
        this.expiry = expiry;
        this.worker = worker;
        this.idempotency = new Idempotency("export", json);
    }

    @PostMapping("/v1/exports")
    Mono<ResponseEntity<ExportView>> submit(@RequestBody ExportRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey, Caller caller,
            ServerHttpRequest http) {
        this.idempotency.checkKey(idempotencyKey, (detail) -> new BadExportException("/", detail));
        String canonical = canonical(request);
        Mono<ExportView> existing = (idempotencyKey != null) ? replay(idempotencyKey, canonical, caller, http)
                : Mono.empty();
        return existing.map((view) -> accepted(view, true))
            .switchIfEmpty(Mono.defer(() -> this.planner.plan(request, caller)
                .flatMap((plan) -> insert(plan, idempotencyKey, canonical, caller, http))
                .map((view) -> accepted(view, false))));
    }

    private Mono<ExportView> insert(ExportPlan plan, @Nullable String idempotencyKey, String canonical, Caller caller,
            ServerHttpRequest http) {
        UUID id = UUID.randomUUID();
        return this.jobs
            .insert(id, idempotencyKey, canonical, plan.format().parameter(), plan.compression().parameter(),
                    plan.consistency().parameter(), this.storage.type(), partsJson(plan), caller.owner())
            .doOnNext((inserted) -> this.worker.ifAvailable(ExportWorker::nudge))
            .flatMap((inserted) -> inserted ? view(id, caller, http)
                    // Another submission with the same key won the race.
                    : replay(String.valueOf(idempotencyKey), canonical, caller, http));
    }

    private Mono<ExportView> replay(String idempotencyKey, String canonical, Caller caller, ServerHttpRequest http) {
        return this.jobs.idByIdempotencyKey(idempotencyKey)
            .flatMap(this.jobs::find)
            .map((job) -> ExportView.of(
                    this.idempotency.replay(idempotencyKey, job, canonical, caller.mayAccessJobOf(job.owner())),
                    base(http)));
    }

    private ResponseEntity<ExportView> accepted(ExportView view, boolean replayed) {
        return Idempotency.replayed(
                ResponseEntity.accepted().location(URI.create("/v1/exports/" + view.id())).headers(retryAfter(view)),
                replayed)
            .body(view);
    }

    @GetMapping("/v1/exports/{id}")
    Mono<ResponseEntity<ExportView>> status(@PathVariable String id, Caller caller, ServerHttpRequest http) {
        return view(parse(id), caller, http).map((view) -> ResponseEntity.ok().headers(retryAfter(view)).body(view));
    }

    @GetMapping(path = "/v1/exports/{id}/events", produces = "text/event-stream")
    Flux<ServerSentEvent<ExportView>> events(@PathVariable String id, Caller caller, ServerHttpRequest http) {
        UUID uuid = parse(id);
        return view(uuid, caller, http).flatMapMany((first) -> Flux.interval(Duration.ofSeconds(1))
            .onBackpressureDrop()
            .concatMap((tick) -> view(uuid, caller, http), 1)
            .startWith(first)
            .distinctUntilChanged((view) -> List.of(view.state(), view.progress(), view.cancelRequested()))
            .takeUntil((view) -> !view.open())
            .map((view) -> ServerSentEvent.builder(view)
                .event(view.open() ? "progress" : view.state().value())
                .id(Long.toString(view.progress().rows()))
                .build()));
    }

    @GetMapping("/v1/exports")
    Mono<Map<String, Object>> list(@RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String dataset,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String before, Caller caller, ServerHttpRequest http) {
        JobState wanted = (state != null)
                ? JobState.parse(state)
                    .orElseThrow(() -> new BadQueryException("state", "'state' is one of "
                            + Arrays.stream(JobState.values()).map(JobState::value).collect(Collectors.joining(", "))
                            + "; got '" + state + "'."))
                : null;
        int size = pageSize(limit);
        Cursor cursor = (before != null) ? Cursor.parse(before) : null;
        URI base = base(http);
        return this.jobs
            .list(wanted, dataset, (cursor != null) ? cursor.createdAt() : null, (cursor != null) ? cursor.id() : null,
                    size + 1, caller.administrator(), caller.owner())
            .map((job) -> ExportView.of(job, base))
            .collectList()
            .map((views) -> {
                Map<String, Object> page = new LinkedHashMap<>();
                page.put("exports", views.subList(0, Math.min(size, views.size())));
                if (views.size() > size) {
                    ExportView last = views.get(size - 1);
                    page.put("next", next(http, new Cursor(last.createdAt(), last.id()).text()));
                }
                return page;
            });
    }

    /**
     * Cancels a queued or running job; deletes a succeeded job's files (it becomes
     * expired). A failed, cancelled or expired job has no files to delete, and its state
     * records what happened, so a repeated DELETE leaves it as it is.
     */
    @DeleteMapping("/v1/exports/{id}")
    Mono<ResponseEntity<ExportView>> delete(@PathVariable String id, Caller caller, ServerHttpRequest http) {
        UUID uuid = parse(id);
        return this.jobs.find(uuid)
            .filter((job) -> caller.mayAccessJobOf(job.owner()))
            .switchIfEmpty(Mono.error(() -> notFound(id)))
            .flatMap((job) -> {
                if (job.open()) {
                    return this.jobs.requestCancel(uuid).then();
                }
                if (job.state() == JobState.SUCCEEDED) {
                    return this.jobs.expireNow(uuid).then(this.expiry.sweepNow()).then();
                }
                return Mono.empty();
            })
            .then(view(uuid, caller, http))
            .map((view) -> (view.open() ? ResponseEntity.accepted() : ResponseEntity.ok()).body(view));
    }

    // Another caller's job is not found: its existence is not theirs to know either.
    private Mono<ExportView> view(UUID id, Caller caller, ServerHttpRequest http) {
        return this.jobs.find(id)
            .filter((job) -> caller.mayAccessJobOf(job.owner()))
            .switchIfEmpty(Mono.error(() -> notFound(id.toString())))
            .map((job) -> ExportView.of(job, base(http)));
    }

    private HttpHeaders retryAfter(ExportView view) {
        return RetryAfter.of(view.open(), view.createdAt(), this.properties.retryAfterCap());
    }

    private String canonical(ExportRequest request) {
        List<Map<String, String>> parts = new ArrayList<>();
        if (request.parts() != null) {
            for (ExportRequest.Part part : request.parts()) {
                Map<String, String> item = new LinkedHashMap<>();
                item.put("dataset", (part != null) ? part.dataset() : null);
                item.put("query", (part != null && part.query() != null) ? part.query() : "");
                parts.add(item);
            }
        }
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("parts", parts);
        canonical.put("format", (request.format() != null) ? request.format() : "ndjson");
        canonical.put("compression", (request.compression() != null) ? request.compression() : "none");
        // Only when not the default, so a request keeps the canonical form it had before
        // the option existed.
        if (request.consistency() != null && !request.consistency().equals("snapshot")) {
            canonical.put("consistency", request.consistency());
        }
        return this.json.writeValueAsString(canonical);
    }

    private String partsJson(ExportPlan plan) {
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i = 0; i < plan.parts().size(); i++) {
            ExportPlan.Part part = plan.parts().get(i);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("index", i);
            item.put("dataset", part.dataset());
            item.put("query", part.query());
            item.put("file_name", part.fileName());
            item.put("columns",
                    part.selection()
                        .columns()
                        .stream()
                        .map((Column column) -> new Manifest.Column(column.name(), column.type()))
                        .toList());
            item.put("estimated_rows", part.estimatedRows());
            Confinement confinement = part.selection().confinement();
            if (confinement != null) {
                item.put("tenant_column", confinement.column().name());
                item.put("tenant_value", confinement.value());
            }
            parts.add(item);
        }
        return this.json.writeValueAsString(parts);
    }

    private static int pageSize(@Nullable String limit) {
        if (limit == null) {
            return 20;
        }
        try {
            int size = Integer.parseInt(limit);
            if (size >= 1 && size <= MAX_PAGE) {
                return size;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw new BadQueryException("limit",
                "'limit' is a whole number from 1 to " + MAX_PAGE + "; got '" + limit + "'.");
    }

    static URI base(ServerHttpRequest http) {
        URI uri = http.getURI();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
    }

    // The same filters, percent-encoded again, and the cursor.
    private static String next(ServerHttpRequest http, String cursor) {
        MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(http.getQueryParams());
        parameters.remove("before");
        return UriComponentsBuilder.fromUri(base(http))
            .path("/v1/exports")
            .queryParams(parameters)
            .queryParam("before", cursor)
            .encode()
            .build()
            .toUriString();
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        }
        catch (IllegalArgumentException ex) {
            throw notFound(id);
        }
    }

    static ExportNotFoundException notFound(String id) {
        return new ExportNotFoundException("No export with id '" + id + "'.");
    }

    /** Where a page of the history continues: after this job, newest first. */
    record Cursor(Instant createdAt, UUID id) {

        String text() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((this.createdAt + "|" + this.id).getBytes());
        }

        static Cursor parse(String text) {
            try {
                String[] fields = new String(Base64.getUrlDecoder().decode(text)).split("\\|");
                return new Cursor(Instant.parse(fields[0]), UUID.fromString(fields[1]));
            }
            catch (RuntimeException ex) {
                throw new BadQueryException("before", "'before' takes the cursor from a page's 'next' link.");
            }
        }

    }

}
