package dev.sluice.web;

import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition: attachment} for a download (RFC 6266): the name quoted and
 * escaped, in ASCII; a name with other characters also as {@code filename*} in UTF-8 (RFC
 * 8187), with an ASCII stand-in for clients that read only {@code filename}.
 */
public final class Attachment {

    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    private Attachment() {
    }

    public static String header(String filename) {
        StringBuilder fallback = new StringBuilder();
        boolean ascii = true;
        for (int i = 0; i < filename.length(); i++) {
            char c = filename.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                ascii = false;
                fallback.append('_');
            }
            else if (c == '/' || c == '\\') {
                // Never a path: a client that takes the name as one must not leave its
                // directory.
                fallback.append('_');
            }
            else {
                fallback.append((c == '"') ? "\\\"" : String.valueOf(c));
            }
        }
        String header = "attachment; filename=\"" + fallback + "\"";
        return ascii ? header : header + "; filename*=UTF-8''" + encode(filename);
    }

    private static String encode(String filename) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || ATTR_CHARS.indexOf(c) >= 0) {
                encoded.append((char) c);
            }
            else {
                encoded.append('%')
                    .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

}
