package io.raftlog.raft;

import java.util.ArrayList;
import java.util.List;

/** A {@link RaftOutput} that keeps copies of everything, in order, for assertions. */
class Recorder implements RaftOutput {
    final List<Message> sent = new ArrayList<>();
    /** Every output in order, as short text: "persist 3 1", "send VOTE 2", "commit 5", "role LEADER 3". */
    final List<String> events = new ArrayList<>();
    long persistedTerm;
    int persistedVote;
    long commitIndex;

    @Override
    public void persistHardState(long term, int votedFor) {
        persistedTerm = term;
        persistedVote = votedFor;
        events.add("persist " + term + " " + votedFor);
    }

    @Override
    public void send(Message message) {
        sent.add(new Message().copyFrom(message));
        events.add("send " + message.type + " " + message.to);
    }

    @Override
    public void committed(long commitIndex) {
        if (commitIndex < this.commitIndex) {
            throw new AssertionError("commit index moved back from " + this.commitIndex + " to " + commitIndex);
        }
        this.commitIndex = commitIndex;
        events.add("commit " + commitIndex);
    }

    @Override
    public void roleChanged(Role role, long term, int leaderId) {
        events.add("role " + role + " " + term + " " + leaderId);
    }

    /** The messages sent since the last call, and forgets them. */
    List<Message> take() {
        List<Message> copy = List.copyOf(sent);
        sent.clear();
        events.clear();
        return copy;
    }

    List<Message> take(MessageType type) {
        return take().stream().filter(m -> m.type == type).toList();
    }
}
