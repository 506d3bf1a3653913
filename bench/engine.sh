# Sourced by the bench scripts (not run on its own): the DynamoDB engine they run against.
# `bench_setup NAME` gives the script dummy credentials (as Lambda's environment has), a fresh
# table name, a scratch folder in WORK, and an engine: `start_engine` starts the project's moto
# engine on a free loopback port unless DYNAMODB_ENDPOINT names one, and exports DYNAMODB_ENDPOINT;
# ENGINE describes it. All of it is cleaned up on exit. Runs from the repository root.
MOTO=
MOTO_LOG=$(mktemp)
ENGINE="DYNAMODB_ENDPOINT"

start_engine() {
  if [ -n "${DYNAMODB_ENDPOINT:-}" ]; then
    export DYNAMODB_ENDPOINT
    return
  fi
  local script=local-runtime/src/main/resources/dev/partnerregistry/local/moto_engine.py port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  python3 "$script" "$port" >"$MOTO_LOG" 2>&1 &
  MOTO=$!
  export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  ENGINE="moto ($script)"
  for _ in $(seq 150); do
    (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return
    kill -0 "$MOTO" 2>/dev/null || { echo "moto engine exited:" >&2; cat "$MOTO_LOG" >&2; exit 1; }
    sleep 0.1
  done
  echo "moto engine did not listen on $port:" >&2
  cat "$MOTO_LOG" >&2
  exit 1
}

stop_engine() {
  if [ -n "$MOTO" ]; then
    kill "$MOTO" 2>/dev/null || true
    wait "$MOTO" 2>/dev/null || true
  fi
  rm -f "$MOTO_LOG"
}

bench_setup() {
  WORK=$(mktemp -d)
  trap 'stop_engine; rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
  export TABLE_NAME="$1-$$-$(date +%s)"
  unset AWS_SESSION_TOKEN AWS_PROFILE AWS_CONTAINER_CREDENTIALS_FULL_URI JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS
  start_engine
}

# `bench_issue_key PRINCIPAL`: unless AUTH_MODE=aws-iam, a KMS key on the engine (moto serves KMS
# too) and a registry access key for PRINCIPAL issued with the operator command, exported for the
# function (ACCESS_KEYS_KMS_KEY_ARN) and for the benchmark's signer (BENCH_ACCESS_KEY_ID/SECRET).
bench_issue_key() {
  [ "${AUTH_MODE:-registry-keys}" = aws-iam ] && return
  local admin_jar=${ADMIN_JAR:-admin/target/partner-registry-admin.jar} issued
  [ -f "$admin_jar" ] || { echo "no operator command at $admin_jar (mvn -B -q package -DskipTests)" >&2; exit 1; }
  ACCESS_KEYS_KMS_KEY_ARN=$(aws kms create-key --endpoint-url "$DYNAMODB_ENDPOINT" --region us-east-1 \
    --query KeyMetadata.Arn --output text)
  export ACCESS_KEYS_KMS_KEY_ARN
  issued=$(java -cp "$admin_jar" dev.partnerregistry.admin.AdminCommand issue-key --principal "$1" 2>/dev/null)
  BENCH_ACCESS_KEY_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["AccessKeyId"])' <<<"$issued")
  BENCH_SECRET_ACCESS_KEY=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["SecretAccessKey"])' <<<"$issued")
  export BENCH_ACCESS_KEY_ID BENCH_SECRET_ACCESS_KEY
}
