package io.raftlog.journal;

/**
 * Chronicle reads a few system properties once, in static initialisers of its own classes, so they must
 * be set before the first Chronicle class loads. Every raftlog class that touches Chronicle calls
 * {@link #apply()} from its own static initialiser; a launcher therefore needs no -D flags.
 *
 * <p>What they stop: usage analytics (a background thread that contacts an analytics host and writes a
 * client-id file {@code ~/.chronicle.analytics.*} into the home directory), the disk-space monitor thread
 * (polls every mounted file system and logs warnings), the start-up announcement banner, and Chronicle's
 * INFO chatter through slf4j-simple. An operator's
 * explicit -D setting wins: we only fill in properties that are unset.
 */
public final class ChronicleSettings {

    private static final String[][] DEFAULTS = {
        {"chronicle.analytics.disable", "true"},
        {"chronicle.disk.monitor.disable", "true"},
        {"chronicle.announcer.disable", "true"},
        // Chronicle logs at INFO where its jars were loaded from and how long each mapping took: noise on every
        // command-line start. Only slf4j-simple (our binding) reads this; other bindings ignore it.
        {"org.slf4j.simpleLogger.log.net.openhft", "warn"},
    };

    static {
        for (String[] kv : DEFAULTS) {
            if (System.getProperty(kv[0]) == null) {
                System.setProperty(kv[0], kv[1]);
            }
        }
    }

    private ChronicleSettings() {
    }

    /** Forces the static initialiser to have run; cheap to call any number of times. */
    public static void apply() {
        // the work happens once, in the static initialiser
    }
}
