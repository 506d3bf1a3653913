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
