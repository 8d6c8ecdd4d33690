package dev.sluice.security;

/** What a caller does with a dataset; each action has its own scopes. */
public enum Action {

    /** Stream rows: {@code GET /v1/datasets/{name}/rows}. */
    READ("read"),

    /** Export the dataset in a job: {@code POST /v1/exports}. */
    EXPORT("export"),

    /**
     * Import into the dataset: {@code POST /v1/datasets/{name}/rows},
     * {@code POST /v1/imports}.
     */
    WRITE("write");

    private final String word;

    Action(String word) {
        this.word = word;
    }

    String word() {
        return this.word;
    }

}
