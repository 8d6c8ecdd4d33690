package dev.sluice.ingest;

import java.util.Map;

import dev.sluice.web.JsonRequest;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/imports}.
 *
 * @param manifest the storage key of an export's {@code manifest.json}, such as
 * {@code <export id>/manifest.json}
 * @param datasets for a dataset of the export, the dataset of this server to import its
 * files into instead of the one of the same name
 * @param mode {@code insert} (the default) or {@code upsert}
 */
record ImportJobRequest(@Nullable String manifest, @Nullable Map<String, String> datasets,
        @Nullable String mode) implements JsonRequest {
}
