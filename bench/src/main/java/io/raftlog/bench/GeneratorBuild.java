package io.raftlog.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * Which build of the measuring code produced a result: a checksum of the class files that generate the load,
 * time it and report it. A peer's jar shades its own copy of these classes when it is built, and nothing
 * rebuilds it when they change; results of raftlog and of a peer compare only when this stamp is the same
 * (found in review: a peer jar a day old measured the peers with a generator whose window ended later).
 */
public final class GeneratorBuild {
    private static final Class<?>[] MEASURING = {LoadGenerator.class, LoadResult.class, LoadSpec.class, GeneratorClock.class,
        RunSeries.class, Workload.class, JsonLine.class};

    /** Eight hex digits, the same for every jar built from the same measuring code. */
    public static final String ID = checksum();

    private GeneratorBuild() {
    }

    private static String checksum() {
        CRC32 crc = new CRC32();
        for (Class<?> c : MEASURING) {
            String resource = c.getSimpleName() + ".class";
            try (InputStream in = c.getResourceAsStream(resource)) {
                if (in == null) {
                    return "unknown";
                }
                crc.update(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return String.format("%08x", crc.getValue());
    }
}
