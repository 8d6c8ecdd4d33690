package dev.sluice;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for tests: records end in CRLF or LF outside quotes; an
 * unquoted empty field is {@code null} (PostgreSQL's NULL), a quoted empty field is the
 * empty string.
 */
public final class Csv {

    private Csv() {
    }

    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0 && !quoted) {
                quoted = true;
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("Unterminated quoted field at " + i);
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        }
                        else {
                            break;
                        }
                    }
                    else {
                        field.append(q);
                    }
                }
                continue;
            }
            if (c == ',' || c == '\n' || c == '\r') {
                record.add((field.length() == 0 && !quoted) ? null : field.toString());
                field.setLength(0);
                quoted = false;
                if (c == '\r') {
                    if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                        throw new IllegalArgumentException("CR without LF at " + i);
                    }
                    i++;
                }
                if (c != ',') {
                    records.add(record);
                    record = new ArrayList<>();
                }
                i++;
                continue;
            }
            if (quoted) {
                throw new IllegalArgumentException("Text after a closing quote at " + i);
            }
            field.append(c);
            i++;
        }
        if (field.length() > 0 || quoted || !record.isEmpty()) {
            throw new IllegalArgumentException("Last record does not end with a line break");
        }
        return records;
    }

}
