package dev.sluice.security;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.CatalogProperties;
import dev.sluice.catalog.CatalogProperties.Access;
import dev.sluice.catalog.CatalogProperties.DatasetDefinition;
import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import org.jspecify.annotations.Nullable;

/**
 * Each dataset's scopes per action and its tenant binding, from
 * {@code sluice.datasets.<name>.access} and {@code .tenant}, checked at startup against
 * the catalog. An action without configured scopes needs {@code <dataset>:<action>}: a
 * dataset is never open to every authenticated caller by accident.
 */
final class DatasetPolicies {

    private final Map<String, Policy> policies = new HashMap<>();

    DatasetPolicies(CatalogProperties properties, Catalog catalog) {
        for (Dataset dataset : catalog.datasets()) {
            DatasetDefinition definition = properties.datasets().get(dataset.name());
            Access access = (definition != null) ? definition.access() : null;
            Map<Action, Set<String>> scopes = new EnumMap<>(Action.class);
            for (Action action : Action.values()) {
                List<String> configured = (access != null) ? configured(access, action) : null;
                scopes.put(action,
                        (configured != null) ? Set.copyOf(configured) : Set.of(dataset.name() + ":" + action.word()));
            }
            this.policies.put(dataset.name(), new Policy(scopes, tenant(dataset, definition)));
        }
    }

    private static @Nullable List<String> configured(Access access, Action action) {
        return switch (action) {
            case READ -> access.read();
            case EXPORT -> access.export();
            case WRITE -> access.write();
        };
    }

    private static @Nullable Binding tenant(Dataset dataset, @Nullable DatasetDefinition definition) {
        if (definition == null || definition.tenant() == null) {
            return null;
        }
        CatalogProperties.Tenant tenant = definition.tenant();
        String prefix = "sluice.datasets." + dataset.name() + ".tenant";
        if (tenant.claim() == null || tenant.claim().isBlank()) {
            throw new IllegalStateException(prefix + ".claim is not set");
        }
        Column column = dataset.column(String.valueOf(tenant.column()))
            .orElseThrow(() -> new IllegalStateException(
                    prefix + ".column names '" + tenant.column() + "', which is not among the dataset's columns"));
        return new Binding(column, tenant.claim());
    }

    Policy policy(Dataset dataset) {
        Policy policy = this.policies.get(dataset.name());
        if (policy == null) {
            throw new IllegalStateException("No policy for dataset " + dataset.name());
        }
        return policy;
    }

    record Policy(Map<Action, Set<String>> scopes, @Nullable Binding tenant) {
    }

    /** A dataset's tenant column and the claim that fills it. */
    record Binding(Column column, String claim) {
    }

}
