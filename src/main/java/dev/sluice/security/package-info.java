/**
 * Who is calling and what they may do: API keys and bearer JWTs, scopes per dataset and
 * action, tenant bindings, job ownership.
 */
@NullMarked
package dev.sluice.security;

import org.jspecify.annotations.NullMarked;
