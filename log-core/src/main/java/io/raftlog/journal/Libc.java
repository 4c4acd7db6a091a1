package io.raftlog.journal;

import jnr.ffi.LibraryLoader;

/**
 * Binds an interface of libc functions through jnr-ffi, which Chronicle's posix binding already brings. The journal
 * uses a few Linux calls that neither the JDK nor that binding offers ({@link SyncFileRange}, {@link PageCacheRelease},
 * {@link ThreadNice}); each is an optimisation with a fallback, so a platform without the binding gets null.
 */
final class Libc {
    private Libc() {
    }

    /** The binding of {@code functions} to libc, or null where there is none (not Linux, or no jnr here). */
    static <T> T bind(Class<T> functions) {
        try {
            return LibraryLoader.create(functions).load("c");
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
