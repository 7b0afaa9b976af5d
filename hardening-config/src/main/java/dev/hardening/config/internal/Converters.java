package dev.hardening.config.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text-to-value conversion for every supported setting type. Thread-safe. */
final class Converters {
    private Converters() {
    }

    /** A value that cannot be converted; the message never contains the value of a secret. */
    public static final class ConversionException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String fix;

        ConversionException(String message, String fix) {
            super(message, null, false, false);
            this.fix = fix;
        }

        /** @return how to write a valid value */
        public String fix() {
            return fix;
        }
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /**
     * @param type a type
     * @return whether {@link #convert} supports it (as a scalar or list element)
     */
    public static boolean supports(Type type) {
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            return p.getRawType() == List.class && !(p.getActualTypeArguments()[0] instanceof ParameterizedType)
                    && supports(p.getActualTypeArguments()[0]);
        }
        if (!(type instanceof Class)) {
            return false;
        }
        Class<?> c = (Class<?>) type;
        return c == String.class || c == int.class || c == Integer.class || c == long.class || c == Long.class
                || c == boolean.class || c == Boolean.class || c == Duration.class || c == URI.class
                || c == Path.class || c.isEnum() || parser(c) != null;
    }

    /**
     * The application's own value types: a public static {@code parse(String)} method returning
     * the type (such as {@code RateLimitPolicy.parse}).
     *
     * @param c a class
     * @return its parse method, or null
     */
    static Method parser(Class<?> c) {
        try {
            Method m = c.getMethod("parse", String.class);
            int mod = m.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isPublic(mod) && c.isAssignableFrom(m.getReturnType())
                    && Modifier.isPublic(c.getModifiers())) {
                return m;
            }
        } catch (NoSuchMethodException e) {
            return null;
        }
        return null;
    }

    /**
     * Converts a raw value.
     *
     * @param type the target type (a supported class, or {@code List} of one)
     * @param raw  the raw text, not empty
     * @param fs   the file system for {@link Path} values
     * @return the converted value
     * @throws ConversionException with a message naming the problem and the expected form
     */
    public static Object convert(Type type, String raw, FileSystem fs) throws ConversionException {
        if (type instanceof ParameterizedType) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<String> items = splitList(raw);
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                String item = items.get(i);
                if (item.isEmpty()) {
                    throw new ConversionException("list item " + (i + 1) + " of " + items.size() + " is empty",
                            "write comma-separated items with no empty ones (escape a literal comma as \\,)");
                }
                try {
                    out.add(convert(element, item, fs));
                } catch (ConversionException e) {
                    throw new ConversionException("list item " + (i + 1) + ": " + e.getMessage(), e.fix());
                }
            }
            return Collections.unmodifiableList(out);
        }
        Class<?> c = (Class<?>) type;
        String v = raw.strip();
        if (c == String.class) {
            return raw;
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            long parsed;
            try {
                parsed = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConversionException(Names.quote(raw) + " is not a whole number", "write digits only, for example 8080");
            }
            if ((c == int.class || c == Integer.class) && (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE)) {
                throw new ConversionException(Names.quote(raw) + " does not fit a 32-bit integer", "use a smaller number");
            }
            return (c == int.class || c == Integer.class) ? (Object) (int) parsed : (Object) parsed;
        }
        if (c == boolean.class || c == Boolean.class) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1":
                    return Boolean.TRUE;
                case "false": case "no": case "off": case "0":
                    return Boolean.FALSE;
                default:
                    throw new ConversionException(Names.quote(raw) + " is not a boolean", "write true or false");
            }
        }
        if (c == Duration.class) {
            return parseDuration(v);
        }
        if (c == URI.class) {
            URI uri;
            try {
                uri = new URI(v);
            } catch (URISyntaxException e) {
                throw new ConversionException(Names.quote(redactUserInfo(raw)) + " is not a valid URI: " + e.getReason(),
                        "write an absolute URI such as https://idp.example.com/");
            }
            if (!uri.isAbsolute()) {
                throw new ConversionException(Names.quote(redactUserInfo(raw)) + " has no scheme",
                        "write an absolute URI with a scheme, such as https://host/path");
            }
            if (uri.getRawAuthority() != null && uri.getHost() == null) {
                throw new ConversionException(Names.quote(redactUserInfo(raw)) + " has no valid host",
                        "write scheme://host[:port]/path");
            }
            return uri;
        }
        if (c == Path.class) {
            try {
                return fs.getPath(v);
            } catch (InvalidPathException e) {
                throw new ConversionException(Names.quote(raw) + " is not a valid path", "write a file-system path");
            }
        }
        if (c.isEnum()) {
            String want = v.replace('-', '_');
            List<String> names = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                names.add(name.toLowerCase(Locale.ROOT));
                if (name.equalsIgnoreCase(want)) {
                    return constant;
                }
            }
            throw new ConversionException(Names.quote(raw) + " is not one of " + String.join(", ", names),
                    "write one of " + String.join(", ", names));
        }
        Method parse = parser(c);
        if (parse != null) {
            try {
                return parse.invoke(null, v);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
                    throw new ConversionException(Names.quote(raw) + " is not a valid " + c.getSimpleName() + ": " + why,
                            "write a value " + c.getSimpleName() + ".parse accepts");
                }
                throw new IllegalStateException(c.getName() + ".parse failed", cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(c.getName() + ".parse is not accessible", e);
            }
        }
        throw new IllegalArgumentException("unsupported type " + type.getTypeName());
    }

    /**
     * @param v text such as {@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 0} or ISO-8601 {@code PT30S}
     * @return the duration
     * @throws ConversionException when the text is none of those or is negative
     */
    public static Duration parseDuration(String v) throws ConversionException {
        String fix = "write a number with a unit (500ms, 30s, 5m, 2h, 1d, or combined like 1m30s) or ISO-8601 such as PT30S";
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        if (!v.isEmpty() && (v.charAt(0) == 'P' || v.charAt(0) == 'p')) {
            Duration d;
            try {
                d = Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new ConversionException(Names.quote(v) + " is not an ISO-8601 duration", fix);
            }
            if (d.isNegative()) {
                throw new ConversionException(Names.quote(v) + " is negative", "write a duration of zero or more");
            }
            return d;
        }
        Matcher m = DURATION_PART.matcher(v);
        int at = 0;
        Duration total = Duration.ZERO;
        while (at < v.length() && m.find(at) && m.start() == at) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "ms": total = total.plusMillis(n); break;
                    case "s": total = total.plusSeconds(n); break;
                    case "m": total = total.plus(Duration.ofMinutes(n)); break;
                    case "h": total = total.plus(Duration.ofHours(n)); break;
                    default: total = total.plus(Duration.ofDays(n)); break;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConversionException(Names.quote(v) + " is too large", fix);
            }
            at = m.end();
        }
        if (at == 0 || at != v.length()) {
            throw new ConversionException(Names.quote(v) + " is not a duration", fix);
        }
        return total;
    }

    /**
     * Splits a comma-separated list; {@code \,} is a literal comma and {@code \\} a backslash;
     * items are trimmed. The empty string is the empty list.
     *
     * @param raw the list text
     * @return the items, possibly including empty ones (which the caller rejects)
     */
    public static List<String> splitList(String raw) {
        List<String> items = new ArrayList<>();
        if (raw.strip().isEmpty()) {
            return items;
        }
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() && (raw.charAt(i + 1) == ',' || raw.charAt(i + 1) == '\\')) {
                cur.append(raw.charAt(++i));
            } else if (c == ',') {
                items.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        items.add(cur.toString().strip());
        return items;
    }

    /**
     * @param raw a URI-like text
     * @return the text with any {@code user:password@} part replaced by {@code ***@}
     */
    public static String redactUserInfo(String raw) {
        return raw.replaceAll("(?<=//)[^/@\\s]*@", "***@");
    }
}
