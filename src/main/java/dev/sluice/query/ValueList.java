package dev.sluice.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a comma-separated list of values as PostgREST does for {@code in}: a value that
 * holds a comma or a double quote is written in double quotes, with {@code \"} and
 * {@code \\} inside.
 */
final class ValueList {

    private ValueList() {
    }

    static List<String> split(String parameter, String text) {
        List<String> values = new ArrayList<>();
        int i = 0;
        int length = text.length();
        while (true) {
            StringBuilder value = new StringBuilder();
            if (i < length && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < length) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < length) {
                        value.append(text.charAt(i++));
                    }
                    else if (c == '"') {
                        closed = true;
                        break;
                    }
                    else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new BadQueryException(parameter, "A quoted value in '" + text + "' has no closing quote.");
                }
                if (i < length && text.charAt(i) != ',') {
                    throw new BadQueryException(parameter,
                            "A quoted value in '" + text + "' is followed by text; put a comma between values.");
                }
            }
            else {
                int comma = text.indexOf(',', i);
                int end = (comma < 0) ? length : comma;
                value.append(text, i, end);
                i = end;
            }
            values.add(value.toString());
            if (i >= length) {
                return values;
            }
            i++; // the comma
        }
    }

}
