package io.customerpulse.local;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A failure said in one line for the terminal: the exception's own message and, when the cause
 * that started it says something the message does not, that cause's message too. A Flink job's
 * failure reads "Job execution failed." and its first cause "Not in GZIP format"; a wrapper made
 * from its cause carries the cause's class name in its message, which is left out.
 */
final class FailureLine {
    private FailureLine() {}

    static String of(Throwable failure) {
        // the first cause: the end of the chain, or where it would come back (initCause allows a cycle)
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable root = failure;
        while (seen.add(root) && root.getCause() != null && !seen.contains(root.getCause())) {
            root = root.getCause();
        }
        String top = text(failure);
        if (root == failure) {
            return top;
        }
        String first = text(root);
        if (top.contains(first)) {
            return top;
        }
        return (top.endsWith(".") ? top.substring(0, top.length() - 1) : top) + ": " + first;
    }

    /** The message on one line, without a leading class name; the class's simple name if it has none. */
    private static String text(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        // new SomeException(cause) takes cause.toString() as its message: "java.io.IOException: ..."
        return line.replaceFirst("^([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(: |$)", "");
    }
}
