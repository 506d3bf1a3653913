#!/usr/bin/env bash
# Cold start of the function in fresh JVMs, with the JVM options the java21 Lambda runtime applies
# by default (C1 only; the stack sets none of its own). Runs RUNS times (default 10) per mode against a moto_server it
# starts, or DYNAMODB_ENDPOINT, and prints the median of each phase in milliseconds.
# plain: init then first request (no SnapStart); primed: the SnapStart priming request runs after
# init, so first_request is what a restored SnapStart instance pays.
# Engine latency is moto's, not DynamoDB's: compare runs with each other, not with Lambda.
# JAR: the function jar (default function/target/partner-registry-function.jar).
# BENCH_JAVA_OPTS: JVM options (default C1 only, as the java21 runtime; "-XX:+TieredCompilation" for full tiered).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
JAR=${JAR:-function/target/partner-registry-function.jar}
ADMIN_JAR=admin/target/partner-registry-admin.jar
OUT=function/target/bench
[ -f "$JAR" ] && [ -f "$ADMIN_JAR" ] || mvn -B -q -pl function,admin -am package -DskipTests
mkdir -p "$OUT"
javac -q --release 17 -cp "$JAR" -d "$OUT" bench/ColdStart.java bench/BenchEvents.java 2>/dev/null || javac --release 17 -cp "$JAR" -d "$OUT" bench/ColdStart.java bench/BenchEvents.java

. bench/engine.sh
bench_setup cold-start
java -cp "$ADMIN_JAR" dev.partnerregistry.admin.AdminCommand create-table >/dev/null
java -cp "$ADMIN_JAR" dev.partnerregistry.admin.AdminCommand register-partner --partner example.com \
  --principal arn:aws:iam::123456789012:user/example-partner >/dev/null
bench_issue_key arn:aws:iam::123456789012:user/example-partner

BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+TieredCompilation -XX:TieredStopAtLevel=1}
read -r -a JAVA_OPTS <<<"$BENCH_JAVA_OPTS"
echo "options: $BENCH_JAVA_OPTS"
for mode in plain primed; do
  for i in $(seq "$RUNS"); do
    # The function's request log lines (JSON, on stdout as in Lambda) are not timings.
    java "${JAVA_OPTS[@]}" -cp "$JAR:$OUT" ColdStart "$mode" 2>/dev/null | grep -v '^{'
  done | awk -v runs="$RUNS" -v mode="$mode" '
    { for (f = 1; f <= 5; f++) v[f, NR] = $f }
    function median(f,   i, j, t, b) { for (i = 1; i <= NR; i++) b[i] = v[f, i];
      for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
      return (NR % 2) ? b[(NR + 1) / 2] : (b[NR / 2] + b[NR / 2 + 1]) / 2 }
    END { printf "%-6s runs=%d median ms: jvm_to_main=%s init=%s priming=%s first_request=%s second_request=%s\n",
          mode, runs, median(1), median(2), median(3), median(4), median(5) }'
done
