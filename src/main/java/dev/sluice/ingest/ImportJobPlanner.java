package dev.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.catalog.DatasetNotFoundException;
import dev.sluice.security.Action;
import dev.sluice.security.Caller;
import dev.sluice.security.Tenant;
import dev.sluice.storage.Storage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Checks an import job at submission and plans its files: the manifest is read and
 * understood, every file has a dataset here that is a table with its columns, so that a
 * job fails later only for what the files hold; and the files are put in the order they
 * are written, parents first.
 */
@Component
class ImportJobPlanner {

    private static final int MAX_MANIFEST = 16 * 1024 * 1024;

    private final Catalog catalog;

    private final Storage storage;

    private final DatabaseClient client;

    private final JsonMapper json;

    private final ManifestAccess access;

    ImportJobPlanner(Catalog catalog, Storage storage, DatabaseClient client, JsonMapper json, ManifestAccess access) {
        this.catalog = catalog;
        this.storage = storage;
        this.client = client;
        this.json = json;
        this.access = access;
    }

    Mono<List<ImportJobFile>> plan(ImportJobRequest request, boolean upsert, Caller caller) {
        String key = manifestKey(request.manifest());
        Map<String, String> datasets = (request.datasets() != null) ? request.datasets() : Map.of();
        return this.access.check(key, caller)
            .then(Mono.fromCallable(() -> read(key)))
            .subscribeOn(Schedulers.boundedElastic())
            .map((content) -> files(StoredManifest.parse(content, key, this.json), key, datasets, caller))
            .flatMap((files) -> checkTargets(files, datasets, upsert).then(ordered(files)));
    }

    static String manifestKey(@Nullable String key) {
        if (key == null || key.isBlank()) {
            throw BadImportJobException.invalid("/manifest",
                    "'manifest' is required: the storage key of an export's manifest.json, such as "
                            + "'<export id>/manifest.json'.");
        }
        if (!safe(key)) {
            throw BadImportJobException.invalid("/manifest", "'" + key
                    + "' is not a storage key: keys are relative, with '/' between names that are not '.' or '..'.");
        }
        return key;
    }

    private byte[] read(String key) {
        try (InputStream in = this.storage.read(key)) {
            byte[] content = in.readNBytes(MAX_MANIFEST + 1);
            if (content.length > MAX_MANIFEST) {
                throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable manifest", "/manifest",
                        "The manifest " + key + " is larger than " + MAX_MANIFEST + " bytes: not a manifest.");
            }
            return content;
        }
        catch (NoSuchFileException ex) {
            throw BadImportJobException.invalid("/manifest",
                    "There is no file '" + key + "' in this server's " + this.storage.type() + " storage.");
        }
        catch (IOException ex) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The manifest could not be read from storage: " + ex.getMessage());
            problem.setTitle("Storage unavailable");
            throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, ex);
        }
    }

    private List<ImportJobFile> files(StoredManifest manifest, String key, Map<String, String> datasets,
            Caller caller) {
        if (!manifest.format().equals("ndjson") && !manifest.format().equals("csv")) {
            throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Format not importable", "/manifest",
                    "The export's files are in format '" + manifest.format() + "'"
                            + (manifest.format().equals("json") ? " (one JSON array)" : "")
                            + "; imports read ndjson and csv. Export as ndjson or csv to import.");
        }
        for (Map.Entry<String, String> entry : datasets.entrySet()) {
            String pointer = "/datasets/" + BadImportJobException.token(entry.getKey());
            if (entry.getValue() == null || entry.getValue().isBlank()) {
                throw BadImportJobException.invalid(pointer, "Name the dataset to import '" + entry.getKey()
                        + "' into as a string, such as {\"" + entry.getKey() + "\": \"events_archive\"}.");
            }
            if (manifest.files().stream().noneMatch((file) -> file.dataset().equals(entry.getKey()))) {
                throw BadImportJobException.invalid(pointer,
                        "The manifest has no file of dataset '" + entry.getKey() + "'; its datasets are "
                                + String.join(", ",
                                        manifest.files().stream().map(StoredManifest.File::dataset).distinct().toList())
                                + ".");
            }
        }
        String directory = key.substring(0, key.lastIndexOf('/') + 1);
        List<ImportJobFile> files = new ArrayList<>();
        for (StoredManifest.File file : manifest.files()) {
            if (file.name().contains("/") || !safe(file.name())) {
                throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable manifest", "/manifest",
                        "The manifest names a file '" + file.name() + "', which is not a file name.");
            }
            String target = datasets.getOrDefault(file.dataset(), file.dataset());
            Dataset dataset = target(file, target, datasets);
            // Every target needs the write scope; one bound to a tenant takes only the
            // submitter's rows, whoever's export the file is.
            caller.require(dataset, Action.WRITE);
            Tenant tenant = caller.tenant(dataset).orElse(null);
            checkColumns(file, dataset, pointer(file.dataset(), datasets));
            files.add(new ImportJobFile(file.name(), directory + file.name(), file.dataset(), target, manifest.format(),
                    manifest.gzip(), file.rows(), file.bytes(), file.sha256(),
                    (tenant != null) ? tenant.column() : null, (tenant != null) ? tenant.value() : null));
        }
        return files;
    }

    private Dataset target(StoredManifest.File file, String target, Map<String, String> datasets) {
        try {
            return this.catalog.dataset(target);
        }
        catch (DatasetNotFoundException ex) {
            if (datasets.containsKey(file.dataset())) {
                throw BadImportJobException.invalid(pointer(file.dataset(), datasets), "There is no dataset named '"
                        + target + "' on this server. GET /v1/datasets lists the datasets.");
            }
            throw BadImportJobException.invalid("/datasets",
                    "The file " + file.name() + " is of dataset '" + file.dataset()
                            + "', which this server does not have; name the dataset to import it into with"
                            + " \"datasets\": {\"" + file.dataset() + "\": \"...\"}.");
        }
    }

    // Every column of the file must be one the dataset shows, and the key must be there.
    private static void checkColumns(StoredManifest.File file, Dataset dataset, String pointer) {
        for (String column : file.columns()) {
            if (dataset.column(column).isEmpty()) {
                throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Columns do not fit", pointer,
                        "The file " + file.name() + " has a column '" + column + "', which dataset '" + dataset.name()
                                + "' does not have.");
            }
        }
        for (Column key : dataset.key()) {
            if (!file.columns().contains(key.name())) {
                throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Columns do not fit", pointer,
                        "The file " + file.name() + " lacks the key column '" + key.name() + "' of dataset '"
                                + dataset.name() + "'.");
            }
        }
    }

    // The relations themselves: tables (not views), and with upsert a unique key.
    private Mono<Void> checkTargets(List<ImportJobFile> files, Map<String, String> datasets, boolean upsert) {
        Map<String, String> pointers = new LinkedHashMap<>();
        files.forEach((file) -> pointers.putIfAbsent(file.target(), pointer(file.dataset(), datasets)));
        return Flux.fromIterable(pointers.entrySet())
            .concatMap((target) -> this.client
                .inConnection((connection) -> TargetTable.describe(connection, this.catalog.dataset(target.getKey())))
                .doOnNext((table) -> check(table, target.getValue(), upsert)))
            .then();
    }

    // Parents first, so that a foreign key between two targets holds as each file is
    // written (see ImportOrder).
    private Mono<List<ImportJobFile>> ordered(List<ImportJobFile> files) {
        List<Dataset> targets = files.stream()
            .map(ImportJobFile::target)
            .distinct()
            .map(this.catalog::dataset)
            .toList();
        if (targets.size() < 2) {
            return Mono.just(files);
        }
        return this.client.inConnection((connection) -> ForeignKeys.between(connection, targets))
            .map((references) -> ImportOrder.sort(files, ImportJobFile::target, references));
    }

    private static void check(TargetTable table, String pointer, boolean upsert) {
        String name = table.dataset().name();
        if (!table.isTable()) {
            throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Not writable", pointer,
                    "Dataset '" + name
                            + "' is not a table (it is a view or another kind of relation), so nothing can be imported"
                            + " into it.");
        }
        if (upsert && !table.keyIsUnique()) {
            throw new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Upsert not possible", pointer,
                    "mode=upsert needs a unique index or constraint on exactly the key of dataset '" + name
                            + "', and its table has none. mode=insert works without one.");
        }
    }

    private static String pointer(String dataset, Map<String, String> datasets) {
        return datasets.containsKey(dataset) ? "/datasets/" + BadImportJobException.token(dataset) : "/manifest";
    }

    private static boolean safe(String key) {
        if (key.startsWith("/") || key.contains("\\")) {
            return false;
        }
        for (String name : key.split("/", -1)) {
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                return false;
            }
        }
        return true;
    }

}
