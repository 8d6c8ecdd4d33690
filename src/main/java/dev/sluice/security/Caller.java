package dev.sluice.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.sluice.catalog.Dataset;
import dev.sluice.query.Confinement;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Who is calling, as controllers see it (a parameter of type {@code Caller}): the name
 * that owns their jobs, their scopes and claims, and the checks per dataset. With
 * security off the caller is anyone, who may do everything and owns nothing.
 */
public final class Caller {

    private final @Nullable String name;

    private final Set<String> scopes;

    private final Map<String, String> claims;

    private final @Nullable String adminScope;

    private final @Nullable DatasetPolicies policies;

    private Caller(@Nullable String name, Set<String> scopes, Map<String, String> claims, @Nullable String adminScope,
            @Nullable DatasetPolicies policies) {
        this.name = name;
        this.scopes = Set.copyOf(scopes);
        this.claims = Map.copyOf(claims);
        this.adminScope = adminScope;
        this.policies = policies;
    }

    static Caller anyone() {
        return new Caller(null, Set.of(), Map.of(), null, null);
    }

    /** A caller without name, scopes or claims: owns nothing, may do nothing. */
    static Caller nobody(DatasetPolicies policies, String adminScope) {
        return new Caller(null, Set.of(), Map.of(), adminScope, policies);
    }

    static Caller of(String name, Set<String> scopes, Map<String, String> claims, String adminScope,
            DatasetPolicies policies) {
        return new Caller(name, scopes, claims, adminScope, policies);
    }

    /** The owner recorded with the caller's jobs: null when security is off. */
    public @Nullable String owner() {
        return this.name;
    }

    /**
     * Whether the caller sees and cancels every job (the admin scope, or security off).
     */
    public boolean administrator() {
        return this.adminScope == null || this.scopes.contains(this.adminScope);
    }

    /** Whether a job of that owner is the caller's to see and cancel. */
    public boolean mayAccessJobOf(@Nullable String owner) {
        return administrator() || (this.name != null && this.name.equals(owner));
    }

    /**
     * The 403 problem for a caller who is not an administrator.
     * @param what what takes the administrator scope, to begin the problem's detail
     */
    public ErrorResponseException administratorOnly(String what) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                what + " takes the administrator scope " + this.adminScope + "; yours has " + held() + ".");
        problem.setTitle("Forbidden");
        return new ErrorResponseException(HttpStatus.FORBIDDEN, problem, null);
    }

    /**
     * Whether the catalog shows the dataset to the caller: they hold one of its scopes,
     * for any action, or are an administrator.
     */
    public boolean maySee(Dataset dataset) {
        return this.policies == null || administrator() || anyScope(dataset).stream().anyMatch(this.scopes::contains);
    }

    /** A 403 problem unless the catalog shows the dataset to the caller. */
    public void requireSight(Dataset dataset) {
        if (!maySee(dataset)) {
            throw forbidden(dataset, "To see dataset '" + dataset.name() + "' a credential needs one of its scopes "
                    + String.join(", ", anyScope(dataset)) + "; yours has " + held() + ".");
        }
    }

    // Sorted, for the problem's detail.
    private Set<String> anyScope(Dataset dataset) {
        return this.policies.policy(dataset)
            .scopes()
            .values()
            .stream()
            .flatMap(Set::stream)
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A 403 problem unless the caller has one of the dataset's scopes for the action. */
    public void require(Dataset dataset, Action action) {
        if (this.policies == null) {
            return;
        }
        Set<String> allowed = this.policies.policy(dataset).scopes().get(action);
        if (allowed.stream().noneMatch(this.scopes::contains)) {
            throw forbidden(dataset,
                    "To " + action.word() + " dataset '" + dataset.name() + "' a credential needs one of the scopes "
                            + String.join(", ", allowed.stream().sorted().toList()) + "; yours has " + held() + ".");
        }
    }

    /**
     * The predicate that confines the caller to their tenant's rows of the dataset, if
     * the dataset is bound to a tenant; a 403 problem if it is and the credential lacks
     * the claim.
     */
    public Optional<Confinement> confinement(Dataset dataset) {
        return binding(dataset).map((binding) -> new Confinement(binding.column(), claim(dataset, binding)));
    }

    /**
     * The caller's tenant, for the rows they write into the dataset, if it is bound to a
     * tenant; a 403 problem if it is and the credential lacks the claim.
     */
    public Optional<Tenant> tenant(Dataset dataset) {
        return binding(dataset).map((binding) -> new Tenant(binding.column().name(), claim(dataset, binding)));
    }

    private String held() {
        return this.scopes.isEmpty() ? "none" : String.join(", ", this.scopes.stream().sorted().toList());
    }

    private Optional<DatasetPolicies.Binding> binding(Dataset dataset) {
        if (this.policies == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(this.policies.policy(dataset).tenant());
    }

    private String claim(Dataset dataset, DatasetPolicies.Binding binding) {
        String value = this.claims.get(binding.claim());
        if (value == null || value.isEmpty()) {
            throw forbidden(dataset, "Dataset '" + dataset.name() + "' is confined to the caller's tenant, named by the"
                    + " credential's claim '" + binding.claim() + "', which yours does not have.");
        }
        return value;
    }

    private static ErrorResponseException forbidden(Dataset dataset, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail);
        problem.setTitle("Forbidden");
        problem.setProperty("dataset", dataset.name());
        return new ErrorResponseException(HttpStatus.FORBIDDEN, problem, null);
    }

}
