#!/usr/bin/env bash
# Partner events benchmark (not run in CI): accepted events per second through PutPartnerEvents, and
# the forwarder's delivery rate and lag into a customer's own bus, on the project's moto engine
# (DynamoDB, KMS, SQS and EventBridge). The registry runs as under `make run`: the handler behind the
# local API Gateway stand-in, verifying each request's SigV4 signature against registry keys; the
# forwarder is fed by LocalDelivery.pollOnce. See bench/PartnerEvents.java for what is measured.
#
#   bench/partner-events.sh                        # 30 s of accept, then deliver
#   DURATION=20 CONCURRENT=1 bench/partner-events.sh   # accept and deliver at once: end-to-end lag under load
#
# Environment:
#   DURATION     seconds of PutPartnerEvents (default 30)
#   THREADS      partner callers (default 4)
#   BATCH        entries per PutPartnerEvents, 1-20 (default 10)
#   SOURCES      ACTIVE sources the calls go to, in turn (default 4)
#   BUSES        customer buses (each with a rule and a target queue) the sources deliver to (default 1)
#   POLLERS      forwarder pollers in parallel (default 2)
#   CONCURRENT   0: accept, then deliver (default); 1: both at once
#   POLL_WAIT    the forwarder's ReceiveMessage wait in seconds (default 0; make run's is 1, which holds
#                the moto engine's one lock for the whole wait when the queue is empty)
#   WARMUP       seconds of calls for a PENDING source before measuring (default 3)
#   STALL        seconds without progress after which delivery is given up (default 60)
#   EVENTS_LOG   the handler's and forwarder's log (default local-runtime/target/partner-events/server.log)
#   JAR          the local runtime jar (default local-runtime/target/partner-registry-local.jar; built if missing)
#   DYNAMODB_ENDPOINT  use this engine (it must serve SQS, EventBridge and KMS too) instead of starting moto
# Exits 0 only if every accepted event reached the customer's queue.
# moto's latency is not AWS's: compare runs with each other. On moto a run lasts several times DURATION:
# its EventBridge delivers a few events per second into a rule's target (README, "Performance").
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-local-runtime/target/partner-registry-local.jar}
OUT=local-runtime/target/partner-events-classes

for var in DURATION THREADS BATCH SOURCES BUSES POLLERS STALL; do
  value=${!var:-}
  [ -z "$value" ] || [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "$var must be a positive whole number, was '$value'" >&2; exit 2; }
done
for var in CONCURRENT POLL_WAIT WARMUP; do
  value=${!var:-}
  [ -z "$value" ] || [[ "$value" =~ ^[0-9]+$ ]] || { echo "$var must be a whole number, was '$value'" >&2; exit 2; }
done
[ "${BATCH:-10}" -le 20 ] || { echo "BATCH must be at most 20 (PutPartnerEvents' limit), was $BATCH" >&2; exit 2; }
[ "${CONCURRENT:-0}" -le 1 ] || { echo "CONCURRENT must be 0 or 1, was $CONCURRENT" >&2; exit 2; }
[ "${POLL_WAIT:-0}" -le 20 ] || { echo "POLL_WAIT must be at most 20 (SQS's limit), was $POLL_WAIT" >&2; exit 2; }

if [ ! -f "$JAR" ]; then
  echo "partner-events: building $JAR" >&2
  mvn -B -q -pl local-runtime -am package -DskipTests
fi

mkdir -p "$OUT"
javac --release 17 -cp "$JAR" -d "$OUT" bench/PartnerEvents.java

. bench/engine.sh
bench_setup partner-events
echo "partner-events: $ENGINE on $DYNAMODB_ENDPOINT"

status=0
started=$(date +%s)
java -cp "$JAR:$OUT" PartnerEvents || status=$?
# The engine's share: moto is one process answering one request at a time, so one core is its ceiling.
if [ -n "$MOTO" ]; then
  echo "cpu: the moto engine used $(ps -o times= -p "$MOTO" | tr -d ' ') s of CPU in this run's $(( $(date +%s) - started )) s"
fi
exit "$status"
