package dev.sluice.ingest;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which storage keys name the manifest of an export of this server. */
class ManifestAccessTests {

    @Test
    void anExportsManifestIsItsIdAndTheManifestName() {
        UUID id = UUID.randomUUID();
        assertThat(ManifestAccess.exportId(id + "/manifest.json")).contains(id);
    }

    @Test
    void anyOtherKeyNamesNoExport() {
        UUID id = UUID.randomUUID();
        assertThat(ManifestAccess.exportId(id.toString().toUpperCase() + "/manifest.json")).isEmpty();
        assertThat(ManifestAccess.exportId(id + "/events.ndjson")).isEmpty();
        assertThat(ManifestAccess.exportId(id + "/sub/manifest.json")).isEmpty();
        assertThat(ManifestAccess.exportId("copy/" + id + "/manifest.json")).isEmpty();
        assertThat(ManifestAccess.exportId("manifest.json")).isEmpty();
        assertThat(ManifestAccess.exportId("0-0-0-0-000000000000000000000000000000/manifest.json")).isEmpty();
    }

}
