package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * The part of an export's {@code manifest.json} that an import reads. Read from the tree
 * rather than bound to the export's own record: the format version is checked before
 * anything else is trusted.
 *
 * @param format {@code ndjson}, {@code csv} or {@code json}
 * @param gzip whether the files are gzip
 * @param files the files, in manifest order
 */
record StoredManifest(String format, boolean gzip, List<File> files) {

    /** The format versions this server reads. */
    static final List<Integer> READABLE_VERSIONS = List.of(1);

    /**
     * @param columns the columns in the file, by name
     * @param sha256 the stored file's SHA-256, lower-case hex
     */
    record File(String name, String dataset, List<String> columns, long rows, long bytes, String sha256) {
    }

    static StoredManifest parse(byte[] content, String key, JsonMapper json) {
        JsonNode root;
        try {
            root = json.readTree(content);
        }
        catch (JacksonException ex) {
            throw unreadable(key, "it is not JSON (" + ex.getOriginalMessage() + ")");
        }
        JsonNode version = root.path("formatVersion");
        if (!version.isIntegralNumber()) {
            throw unreadable(key, "it has no formatVersion; this server reads manifests of format version " + versions()
                    + ", as export jobs write them");
        }
        if (!READABLE_VERSIONS.contains(version.asInt())) {
            throw unreadable(key, "its formatVersion is " + version.asLong() + ", and this server reads format version "
                    + versions() + " only");
        }
        String format = text(root.path("export").path("format"), key, "export.format");
        String compression = text(root.path("export").path("compression"), key, "export.compression");
        if (!compression.equals("none") && !compression.equals("gzip")) {
            throw unreadable(key, "its compression is '" + compression + "'; imports read none and gzip");
        }
        JsonNode files = root.path("files");
        if (!files.isArray() || files.isEmpty()) {
            throw unreadable(key, "it lists no files");
        }
        List<File> list = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            JsonNode file = files.get(i);
            String at = "files[" + i + "].";
            List<String> columns = new ArrayList<>();
            for (JsonNode column : file.path("columns")) {
                columns.add(text(column.path("name"), key, at + "columns[].name"));
            }
            list.add(new File(text(file.path("name"), key, at + "name"),
                    text(file.path("dataset"), key, at + "dataset"), columns,
                    number(file.path("rows"), key, at + "rows"), number(file.path("bytes"), key, at + "bytes"),
                    text(file.path("sha256"), key, at + "sha256")));
        }
        return new StoredManifest(format, compression.equals("gzip"), list);
    }

    private static String text(JsonNode node, String key, String field) {
        if (!node.isString() || node.asString().isEmpty()) {
            throw unreadable(key, field + " is missing or not a string");
        }
        return node.asString();
    }

    private static long number(JsonNode node, String key, String field) {
        if (!node.isIntegralNumber() || node.asLong() < 0) {
            throw unreadable(key, field + " is missing or not a whole number");
        }
        return node.asLong();
    }

    private static String versions() {
        return String.join(", ", READABLE_VERSIONS.stream().map(String::valueOf).toList());
    }

    private static BadImportJobException unreadable(String key, String why) {
        return new BadImportJobException(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable manifest", "/manifest",
                "The manifest " + key + " cannot be imported: " + why + ".");
    }

}
