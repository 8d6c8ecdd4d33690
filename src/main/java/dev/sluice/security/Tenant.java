package dev.sluice.security;

/**
 * The caller's tenant in a dataset bound to one: the column that holds it and the value
 * (the claim's text) every row the caller reads or writes must have there.
 *
 * @param column the dataset's tenant column
 * @param value the caller's tenant
 */
public record Tenant(String column, String value) {
}
