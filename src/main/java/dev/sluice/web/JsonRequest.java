package dev.sluice.web;

/**
 * A JSON request body read strictly: a field it does not declare, at any depth, is a 400
 * problem naming the field and where it is, so that a misspelt option never passes
 * silently.
 */
public interface JsonRequest {

}
