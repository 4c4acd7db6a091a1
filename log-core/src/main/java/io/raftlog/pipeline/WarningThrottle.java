package io.raftlog.pipeline;

import org.slf4j.Logger;

/**
 * Warnings about what others send (malformed frames, refused messages) at a rate the sender cannot drive: the
 * first {@code first} at WARN, then every 1000th with the count so far, the rest at DEBUG. A peer or client that
 * floods a node with bad frames would otherwise fill its disk with log lines, written on the thread that should be
 * serving. One thread per instance.
 */
public final class WarningThrottle {
    private static final int EVERY = 1000;

    private final Logger log;
    private final int first;
    private long count;

    public WarningThrottle(Logger log, int first) {
        this.log = log;
        this.first = first;
    }

    /** SLF4J's {@code {}} placeholders. */
    public void warn(String format, Object... args) {
        count++;
        if (count <= first || count % EVERY == 0) {
            log.warn(count >= first ? format + " (" + count + " such warnings so far)" : format, args);
        } else if (log.isDebugEnabled()) {
            log.debug(format, args);
        }
    }
}
