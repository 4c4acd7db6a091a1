package io.raftlog.journal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why a file operation failed, in words. The messages of NoSuchFileException, AccessDeniedException and their
 * siblings are only the path, so an error built as "doing X failed: " + getMessage() said which file but not why.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** "FILE: reason" for a FileSystemException (its other file too, if any); other exceptions' own message. */
    public static String describe(IOException e) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null) {
            return e instanceof FileSystemException f ? reason(f) : message(e);
        }
        return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason(f);
    }

    /**
     * Why an operation on {@code about}, which the caller's message already names, failed: the reason alone, and the
     * file in parentheses only when it is another one (a parent directory, say).
     */
    public static String why(Path about, IOException e) {
        if (!(e instanceof FileSystemException f)) {
            return message(e);
        }
        boolean itself = f.getFile() == null || Path.of(f.getFile()).toAbsolutePath().equals(about.toAbsolutePath());
        return reason(f) + (itself ? "" : " (" + f.getFile() + ")");
    }

    /** The reason of a FileSystemException in words, without its file. */
    public static String reason(FileSystemException f) {
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "it exists";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
