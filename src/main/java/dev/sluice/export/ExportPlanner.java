package dev.sluice.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Dataset;
import dev.sluice.catalog.DatasetNotFoundException;
import dev.sluice.database.RowReader;
import dev.sluice.encode.Format;
import dev.sluice.query.BadQueryException;
import dev.sluice.query.Confinement;
import dev.sluice.query.QueryParser;
import dev.sluice.query.Selection;
import dev.sluice.query.SqlBuilder;
import dev.sluice.security.Action;
import dev.sluice.security.Caller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Checks an export request as the rows endpoint checks a query (same parser, same value
 * check against PostgreSQL), so a mistake is a 400 at submission and never a failed job
 * later, and estimates each part's rows.
 */
@Component
class ExportPlanner {

    static final int MAX_PARTS = 100;

    private final Catalog catalog;

    private final RowReader reader;

    ExportPlanner(Catalog catalog, RowReader reader) {
        this.catalog = catalog;
        this.reader = reader;
    }

    Mono<ExportPlan> plan(ExportRequest request, Caller caller) {
        Format format = Format.ofParameter((request.format() != null) ? request.format() : "ndjson")
            .orElseThrow(() -> new BadExportException("/format",
                    "'format' is ndjson, csv or json; got '" + request.format() + "'."));
        Compression compression = Compression
            .ofParameter((request.compression() != null) ? request.compression() : "none")
            .orElseThrow(() -> new BadExportException("/compression",
                    "'compression' is none or gzip; got '" + request.compression() + "'."));
        Consistency consistency = Consistency
            .ofParameter((request.consistency() != null) ? request.consistency() : "snapshot")
            .orElseThrow(() -> new BadExportException("/consistency",
                    "'consistency' is snapshot (every part reads one snapshot of the database) or none; got '"
                            + request.consistency() + "'."));
        List<ExportRequest.Part> parts = request.parts();
        if (parts == null || parts.isEmpty()) {
            throw new BadExportException("/parts",
                    "'parts' lists what to export, such as [{\"dataset\": \"events\", \"query\": \"kind=eq.refund\"}].");
        }
        if (parts.size() > MAX_PARTS) {
            throw new BadExportException("/parts",
                    "An export has at most " + MAX_PARTS + " parts; this one has " + parts.size() + ".");
        }
        List<Selection> selections = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            selections.add(selection(i, parts.get(i), caller));
        }
        Set<String> names = new HashSet<>();
        return Flux.range(0, parts.size()).concatMap((i) -> estimate(i, selections.get(i)).map((estimate) -> {
            Selection selection = selections.get(i);
            String query = (parts.get(i).query() != null) ? parts.get(i).query() : "";
            return new ExportPlan.Part(selection.dataset().name(), query, selection,
                    fileName(selection.dataset().name(), format, compression, names), estimate);
        })).collectList().map((planned) -> new ExportPlan(format, compression, consistency, planned));
    }

    private Selection selection(int index, ExportRequest.Part part, Caller caller) {
        String pointer = "/parts/" + index;
        if (part == null || part.dataset() == null || part.dataset().isBlank()) {
            throw new BadExportException(pointer + "/dataset", "Part " + index + " names no dataset.");
        }
        Dataset dataset;
        try {
            dataset = this.catalog.dataset(part.dataset());
        }
        catch (DatasetNotFoundException ex) {
            throw new BadExportException(pointer + "/dataset", detail(ex.getBody()));
        }
        caller.require(dataset, Action.EXPORT);
        // Checked before the query, so a caller without the claim learns nothing more.
        Optional<Confinement> confinement = caller.confinement(dataset);
        String query = (part.query() != null) ? part.query() : "";
        try {
            String queryString = query.startsWith("?") ? query.substring(1) : query;
            Selection selection = QueryParser.parse(dataset, queryString);
            if (QueryParser.parameters(queryString).containsKey("format")) {
                throw new BadExportException(pointer + "/query",
                        "Part " + index + ": the format is the export's ('format' in the body), not a part's.");
            }
            return confinement.map(selection::confined).orElse(selection);
        }
        catch (BadQueryException ex) {
            throw new BadExportException(pointer + "/query",
                    "Part " + index + " (" + dataset.name() + "): " + detail(ex.getBody()));
        }
    }

    private Mono<Long> estimate(int index, Selection selection) {
        return this.reader.estimate(SqlBuilder.typedValues(selection), SqlBuilder.rows(selection, false))
            .onErrorMap(BadQueryException.class, (ex) -> new BadExportException("/parts/" + index + "/query",
                    "Part " + index + " (" + selection.dataset().name() + "): " + detail(ex.getBody())));
    }

    private static String detail(ProblemDetail problem) {
        return (problem.getDetail() != null) ? problem.getDetail() : String.valueOf(problem.getTitle());
    }

    private static String fileName(String dataset, Format format, Compression compression, Set<String> taken) {
        String base = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            name = base + "-" + n;
        }
        return name + "." + format.parameter() + compression.suffix();
    }

}
