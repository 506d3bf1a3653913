#!/bin/sh
# The CDK app command (cdk.json's "app"): runs the Java app on the classpath Maven wrote at
# package time, which takes about a second, where `mvn exec:java` takes many. The CDK CLI runs
# it from the repository root. Build first: `mvn -B package` (or `make -f infra/infra.mk infra-build`).
set -eu
cd "$(dirname "$0")/.."
classpath_file=infra/target/cdk-app.classpath
if [ ! -f "$classpath_file" ] || [ ! -d infra/target/classes ]; then
  echo "infra/target has no built CDK app: run 'mvn -B package' from the repository root first" >&2
  exit 1
fi
# jsii (the bridge to the CDK's JavaScript) prints a banner on Node.js releases past end of life
# (Node 20 here; the variable lists the silenced majors). Node 22+ is recommended where available.
JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION
exec java -cp "infra/target/classes:$(cat "$classpath_file")" dev.partnerregistry.infra.PartnerRegistryApp
