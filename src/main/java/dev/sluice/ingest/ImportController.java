package dev.sluice.ingest;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Dataset;
import dev.sluice.security.Action;
import dev.sluice.security.Caller;
import dev.sluice.security.Tenant;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/datasets/{name}/rows}: imports the body's rows, all or nothing (or
 * skipping bad lines, if asked), and answers what happened once the transaction has
 * ended.
 */
@RestController
class ImportController {

    private final Catalog catalog;

    private final Importer importer;

    private final ImportProperties properties;

    ImportController(Catalog catalog, Importer importer, ImportProperties properties) {
        this.catalog = catalog;
        this.importer = importer;
        this.properties = properties;
    }

    @PostMapping("/v1/datasets/{name}/rows")
    Mono<ImportReport> rows(@PathVariable String name, Caller caller, ServerHttpRequest request) {
        Dataset dataset = this.catalog.dataset(name);
        caller.require(dataset, Action.WRITE);
        // Every row must then carry the caller's tenant; an upsert never updates
        // another's.
        Tenant tenant = caller.tenant(dataset).orElse(null);
        HttpHeaders headers = request.getHeaders();
        ImportOptions options = ImportRequests.options(request.getQueryParams(), headers);
        boolean gzip = ImportRequests.gzip(headers);
        long maxBytes = this.properties.maxBodySize().toBytes();
        if (headers.getContentLength() > maxBytes) {
            throw new BadImportException(HttpStatus.CONTENT_TOO_LARGE, "Body too large",
                    "The body's Content-Length, " + headers.getContentLength() + " bytes, is larger than the limit of "
                            + maxBytes + " bytes (sluice.imports.max-body-size).");
        }
        return this.importer.run(dataset, options, new RequestBody(request.getBody(), gzip, maxBytes), tenant);
    }

}
