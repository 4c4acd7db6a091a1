#!/usr/bin/env bash
# Runs raftlog and the Aeron Cluster peer side by side on this machine: for each cell, RUNS runs of each,
# the order alternating (r a, a r, r a, ...), so both see the same minutes of a shared machine. Appends every
# RESULT line to OUT; bench/scripts/summarize.py prints the medians and ratios.
#
# Build first: mvn -B -q install -DskipTests && mvn -B -q -f bench/peers/aeron-cluster/pom.xml package -DskipTests
# Usage: bench/scripts/side-by-side.sh [OUT]   (CELLS="W1:false W2:true" RUNS=3 to choose)
set -euo pipefail
cd "$(dirname "$0")/../.."
RAFTLOG=tools/target/raftlog.jar
AERON=bench/peers/aeron-cluster/target/aeron-cluster-peer.jar
OUT=${1:-side-by-side-$(date -u +%Y%m%d-%H%M%S).txt}
RUNS=${RUNS:-3}
CELLS=${CELLS:-"W1:false W1:true W1k:false W1k:true W2:false W2:true"}
for jar in "$RAFTLOG" "$AERON"; do
  [ -f "$jar" ] || { echo "missing $jar: build it first (see the top of this script)" >&2; exit 2; }
done
echo "# start $(date -u +%H:%M:%S)" >> "$OUT"
java -jar "$RAFTLOG" bench cpu 2>&1 | sed 's/^/# /' >> "$OUT"
for cell in $CELLS; do
  workload=${cell%%:*}; durable=${cell##*:}
  for ((run = 1; run <= RUNS; run++)); do
    if ((run % 2)); then order="raftlog aeron"; else order="aeron raftlog"; fi
    for system in $order; do
      if [ "$system" = raftlog ]; then
        java -jar "$RAFTLOG" bench --workload "$workload" --durable "$durable" --json 2>&1 | grep '^RESULT' >> "$OUT" || true
      else
        # Aeron's bounds checks can only be turned off on the command line (the peer's other settings are its defaults).
        java -Dagrona.disable.bounds.checks=true -jar "$AERON" bench --peer aeron-cluster --workload "$workload" \
          --durable "$durable" --json 2>&1 | grep '^RESULT' >> "$OUT" || true
      fi
    done
  done
done
java -jar "$RAFTLOG" bench disk --json 2>&1 | grep '^RESULT' >> "$OUT" || true
echo "# end $(date -u +%H:%M:%S)" >> "$OUT"
echo "results in $OUT"
