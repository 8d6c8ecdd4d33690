package dev.sluice.ingest;

import java.util.List;
import java.util.Set;

import dev.sluice.ingest.ImportOrder.Reference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of an import job's files: each file is named "table" or "table:n", so a
 * file's table is what comes before the colon.
 */
class ImportOrderTests {

    @Test
    void withoutReferencesTheManifestOrderStands() {
        assertThat(sort(List.of("c", "a", "b"), Set.of())).containsExactly("c", "a", "b");
    }

    @Test
    void aParentMovesUpToJustBeforeItsFirstChild() {
        assertThat(sort(List.of("x", "items", "y", "orders", "z"), Set.of(new Reference("items", "orders"))))
            .containsExactly("x", "orders", "items", "y", "z");
    }

    @Test
    void aParentAlreadyFirstStaysWhereItIs() {
        assertThat(sort(List.of("orders", "x", "items"), Set.of(new Reference("items", "orders"))))
            .containsExactly("orders", "x", "items");
    }

    @Test
    void aChainOfThreeGoesParentsFirst() {
        Set<Reference> chain = Set.of(new Reference("items", "orders"), new Reference("orders", "customers"));
        assertThat(sort(List.of("items", "orders", "customers"), chain)).containsExactly("customers", "orders",
                "items");
        assertThat(sort(List.of("orders", "items", "customers"), chain)).containsExactly("customers", "orders",
                "items");
    }

    @Test
    void filesOfOneTableKeepTheirOrderAndFollowTheirParents() {
        assertThat(sort(List.of("items:1", "x", "items:2", "orders:1", "orders:2"),
                Set.of(new Reference("items", "orders"))))
            .containsExactly("orders:1", "orders:2", "items:1", "x", "items:2");
    }

    @Test
    void aSelfReferenceImposesNoOrder() {
        assertThat(sort(List.of("tree:1", "x", "tree:2"), Set.of(new Reference("tree", "tree"))))
            .containsExactly("tree:1", "x", "tree:2");
    }

    @Test
    void tablesInACycleKeepTheManifestOrderAndTheRestStillGoesParentsFirst() {
        // a and b reference each other; b also references c, and d references a.
        Set<Reference> references = Set.of(new Reference("a", "b"), new Reference("b", "a"), new Reference("b", "c"),
                new Reference("d", "a"));
        assertThat(sort(List.of("d", "b", "a", "c"), references)).containsExactly("c", "b", "a", "d");
        assertThat(sort(List.of("a", "b", "c", "d"), references)).containsExactly("a", "c", "b", "d");
    }

    @Test
    void aLongerCycleImposesNoOrderWithinIt() {
        Set<Reference> cycle = Set.of(new Reference("a", "b"), new Reference("b", "c"), new Reference("c", "a"));
        assertThat(sort(List.of("b", "a", "c"), cycle)).containsExactly("b", "a", "c");
        assertThat(sort(List.of("c", "b", "a"), cycle)).containsExactly("c", "b", "a");
    }

    @Test
    void referencesToTablesOutsideTheJobAreIgnored() {
        assertThat(sort(List.of("items", "x"), Set.of(new Reference("items", "orders"), new Reference("x", "y"))))
            .containsExactly("items", "x");
    }

    private static List<String> sort(List<String> files, Set<Reference> references) {
        return ImportOrder.sort(files, (file) -> file.split(":")[0], references);
    }

}
