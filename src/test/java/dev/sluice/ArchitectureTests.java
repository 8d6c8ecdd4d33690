package dev.sluice;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package boundaries, checked rather than remembered: data flows one way, catalog →
 * query → database → encode → stream → export (which alone writes to storage); imports
 * ({@code ingest}) stand beside the exports, using only the catalog, the database and (to
 * read stored exports back) storage; both run their jobs in {@code job}'s loop;
 * {@code security} (who calls, what they may do) reads the catalog and confines queries,
 * and only the endpoints ({@code stream}, {@code export}, {@code ingest}) ask it; and
 * {@code web} (what every endpoint shares) depends on none of them.
 */
class ArchitectureTests {

    private static final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sluice");

    @Test
    void dataFlowsOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.sluice..")
            .layer("catalog")
            .definedBy("dev.sluice.catalog..")
            .layer("query")
            .definedBy("dev.sluice.query..")
            .layer("database")
            .definedBy("dev.sluice.database..")
            .layer("encode")
            .definedBy("dev.sluice.encode..")
            .layer("stream")
            .definedBy("dev.sluice.stream..")
            .layer("export")
            .definedBy("dev.sluice.export..")
            .layer("storage")
            .definedBy("dev.sluice.storage..")
            .layer("ingest")
            .definedBy("dev.sluice.ingest..")
            .layer("web")
            .definedBy("dev.sluice.web..")
            .layer("job")
            .definedBy("dev.sluice.job..")
            .layer("security")
            .definedBy("dev.sluice.security..")
            .whereLayer("export")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("ingest")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("stream")
            .mayOnlyBeAccessedByLayers("export")
            .whereLayer("encode")
            .mayOnlyBeAccessedByLayers("stream", "export")
            .whereLayer("database")
            .mayOnlyBeAccessedByLayers("encode", "stream", "export", "ingest", "job")
            .whereLayer("query")
            .mayOnlyBeAccessedByLayers("database", "stream", "export", "security")
            .whereLayer("catalog")
            .mayOnlyBeAccessedByLayers("query", "database", "encode", "stream", "export", "ingest", "security")
            .whereLayer("storage")
            .mayOnlyBeAccessedByLayers("export", "ingest")
            .whereLayer("web")
            .mayOnlyBeAccessedByLayers("stream", "catalog", "query", "database", "encode", "export", "ingest")
            .whereLayer("job")
            .mayOnlyBeAccessedByLayers("export", "ingest")
            .whereLayer("security")
            .mayOnlyBeAccessedByLayers("stream", "export", "ingest")
            .check(classes);
    }

    @Test
    void noCycles() {
        slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(classes);
    }

}
