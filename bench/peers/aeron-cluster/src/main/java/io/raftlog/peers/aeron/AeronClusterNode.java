package io.raftlog.peers.aeron;

import java.io.File;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NoOpLock;

/**
 * One member of the peer cluster: a media driver, an archive (which records the replicated log) and a
 * consensus module in one {@link ClusteredMediaDriver}, plus a service container running {@link AckService}.
 *
 * <p>Settings for two cores shared by three members and a client. Every agent shares one thread where Aeron
 * offers that (the driver's conductor, sender and receiver; the archive's conductor, recorder and replayer), so a
 * member runs four threads: driver, archive, consensus module and service. How they wait is {@link PeerIdle}'s.
 * Durable means what raftlog's fsync batch means: the archive forces each write of the log to the file before
 * the recorded position moves, and a member reports as appended only what was recorded, so the leader commits a
 * position once a majority has forced it.
 */
final class AeronClusterNode implements AutoCloseable {
    /**
     * Messages the consensus module and the service take per duty cycle: Aeron's default, 50, unless
     * {@code -Draftlog.peer.aeron.fragmentLimit=N} says otherwise (1,024 was no better beyond the noise in W1).
     */
    static final int FRAGMENT_LIMIT = Integer.getInteger("raftlog.peer.aeron.fragmentLimit", 50);

    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;

    private AeronClusterNode(ClusteredMediaDriver driver, ClusteredServiceContainer container) {
        this.driver = driver;
        this.container = container;
    }

    /**
     * @param members    Aeron's member string for all three ({@link PeerPorts#clusterMembers()})
     * @param dir        this member's files (archive and cluster state)
     * @param aeronDir   this member's media driver directory (best in /dev/shm)
     */
    static AeronClusterNode start(int id, PeerPorts ports, File dir, String aeronDir, boolean durable) {
        int syncLevel = durable ? 1 : 0;
        MediaDriver.Context driverContext = PeerIdle.driverContext(aeronDir);
        Archive.Context archiveContext = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveId(id)
            .archiveDir(new File(dir, "archive"))
            .controlChannel("aeron:udp?endpoint=localhost:" + ports.archive(id))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=localhost:0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(PeerIdle.supplier())
            .fileSyncLevel(syncLevel)
            .catalogFileSyncLevel(syncLevel)
            .deleteArchiveOnStart(true);
        AeronArchive.Context archiveClient = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archiveContext.localControlChannel())
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel(archiveContext.localControlChannel())
            .aeronDirectoryName(aeronDir);
        File clusterDir = new File(dir, "cluster");
        ConsensusModule.Context consensusContext = new ConsensusModule.Context()
            .clusterMemberId(id)
            .clusterMembers(ports.clusterMembers())
            .ingressChannel("aeron:udp")
            .clusterDir(clusterDir)
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .idleStrategySupplier(PeerIdle.supplier())
            .fileSyncLevel(syncLevel)
            .ingressFragmentLimit(FRAGMENT_LIMIT)
            .logFragmentLimit(FRAGMENT_LIMIT)
            .deleteDirOnStart(true);
        ClusteredMediaDriver driver = ClusteredMediaDriver.launch(driverContext, archiveContext, consensusContext);
        try {
            ClusteredServiceContainer container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDir)
                .archiveContext(archiveClient.clone())
                .clusterDir(clusterDir)
                .clusteredService(new AckService())
                .logFragmentLimit(FRAGMENT_LIMIT)
                .idleStrategySupplier(PeerIdle.supplier()));
            return new AeronClusterNode(driver, container);
        } catch (RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    @Override
    public void close() {
        CloseHelper.closeAll(container, driver);
    }
}
