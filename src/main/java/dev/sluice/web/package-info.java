/**
 * What every endpoint shares: RFC 9457 problem details and their translation from
 * exceptions.
 */
@NullMarked
package dev.sluice.web;

import org.jspecify.annotations.NullMarked;
