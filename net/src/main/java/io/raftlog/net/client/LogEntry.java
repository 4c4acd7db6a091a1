package io.raftlog.net.client;

/** One committed entry, copied out of the wire buffer (what {@link TailIterator} hands out). */
public record LogEntry(long index, byte[] payload) {
}
