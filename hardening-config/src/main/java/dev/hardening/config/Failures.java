package dev.hardening.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Describes a failure for a log line the way every hardening module logs one: the messages of the
 * exception and its causes, outermost first, joined with {@code ": "} — without exception class
 * names and without stack traces, which tell an attacker reading logs which libraries run and
 * tell an operator nothing they can act on.
 *
 * <p>{@code describe(new IOException("connect failed", new ConnectException("Connection refused")))}
 * is {@code "connect failed: Connection refused"}. A message that already contains its cause's
 * message (as {@code new RuntimeException(cause)} does, with the cause's class name) is replaced
 * by its cause's. An exception with no message anywhere in its chain is described by what kind of
 * failure it is ({@code "timed out"}, {@code "interrupted"}) or {@code "failed without detail"}.
 * Qualified exception class names that wrappers wrote into a message are removed.
 *
 * <p>Messages are taken as the exceptions give them: code that puts a secret into an exception
 * message leaks it here as it would anywhere else (hardening's own exceptions never do).
 *
 * <p>Stateless and thread-safe.
 */
public final class Failures {

    private static final int MAX_CHAIN = 8;
    /** A qualified exception class name with its colon, as wrappers write it into messages. */
    private static final java.util.regex.Pattern QUALIFIED_EXCEPTION =
            java.util.regex.Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable)\\b:?\\s*");

    private Failures() {
    }

    /**
     * Describes {@code failure} and its causes in one line.
     *
     * @param failure the failure; {@code null} is described as {@code "failed without detail"}
     * @return the messages of the chain, outermost first, never {@code null} or empty
     */
    public static String describe(Throwable failure) {
        List<String> messages = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String kind = null;
        for (Throwable t = failure; t != null && seen.add(t) && seen.size() <= MAX_CHAIN; t = t.getCause()) {
            if (kind == null) {
                kind = kindOf(t);
            }
            String message = t.getMessage();
            Throwable cause = t.getCause();
            if (message == null || message.isBlank()) {
                continue;
            }
            if (cause != null && message.equals(cause.toString())) {
                continue; // new X(cause): the message is the cause's class name and message
            }
            String cleaned = QUALIFIED_EXCEPTION.matcher(message).replaceAll("").strip().replaceAll("[\\r\\n]+", " ");
            if (!cleaned.isEmpty()) {
                messages.add(cleaned);
            }
        }
        if (messages.isEmpty()) {
            return kind != null ? kind : "failed without detail";
        }
        List<String> kept = new ArrayList<>();
        for (String m : messages) {
            if (kept.isEmpty() || !kept.get(kept.size() - 1).contains(m)) {
                kept.add(m);
            }
        }
        return String.join(": ", kept);
    }

    private static String kindOf(Throwable t) {
        if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
            return "timed out";
        }
        if (t instanceof InterruptedException) {
            return "interrupted";
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        return null;
    }
}
