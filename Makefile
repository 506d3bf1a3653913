# Partner Registry: the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
# Batch mode, no colour: logs and terminals get plain text, never raw escape codes.
MVN ?= mvn -B -Dstyle.color=never
# The Lambda artifact, and the two tools that are never deployed (each one jar, run with java -cp).
JAR := function/target/partner-registry-function.jar
LOCAL_JAR := local-runtime/target/partner-registry-local.jar
ADMIN_JAR := admin/target/partner-registry-admin.jar
JAVA ?= java

.PHONY: help build run test readme-test unit-test invoke admin bench bench-guard bench-events bench-warm soak clean console console-test
# The web console (console/): built into console/dist from its own lock file; served by make run at /console/.
CONSOLE := console/dist/index.html

help:
	@echo "make run     - the registry on http://127.0.0.1:$${PORT:-4010} (starts moto_server unless DYNAMODB_ENDPOINT is set)"
	@echo "make test    - every test: unit, engine (moto_server/LocalStack/DYNAMODB_ENDPOINT), SDK and CLI wire, CDK, then the README's walkthrough"
	@echo "make readme-test - the README's walkthrough blocks, in order, against one make run"
	@echo "make unit-test - the unit tier alone (no engine; seconds)"
	@echo "make invoke EVENT=events/create-partner-event-source.json - run the handler once on an API Gateway event"
	@echo "make admin ARGS='show-partner --partner example.com'       - operator controls"
	@echo "make bench   - cold start of a fresh JVM: init + first request"
	@echo "make bench-guard - handler (init + one create) vs the leanest TransactWriteItems program, paired fresh JVMs"
	@echo "make bench-warm - warm CPU per request, handler vs the same AWS calls bare, on an instant stub; then list growth"
	@echo "make soak    - minutes of hostile load with engine freezes, transaction conflicts and partner events under EventBridge/SQS faults, then every invariant (DURATION=, THREADS=, CONFLICT_PERCENT=)"
	@echo "make bench-events - PutPartnerEvents accepted/s, then the forwarder's delivered/s and lag (DURATION=, THREADS=, CONCURRENT=1)"
	@echo "make console - build the web console into console/dist (make run serves it at /console/)"
	@echo "make console-test - the console's browser tests: Debian's Chromium against make run"
	@echo "make synth | cfn-lint | deploy | sam-commands | localstack-deploy - the CDK stack (infra/infra.mk)"

$(JAR): $(shell find function/src/main -type f 2>/dev/null) function/pom.xml pom.xml
	$(MVN) -q -pl function -am package -DskipTests

$(ADMIN_JAR): $(JAR) $(shell find admin/src/main -type f 2>/dev/null) admin/pom.xml
	$(MVN) -q -pl admin -am package -DskipTests

$(LOCAL_JAR): $(ADMIN_JAR) $(shell find local-runtime/src/main -type f 2>/dev/null) local-runtime/pom.xml
	$(MVN) -q -pl local-runtime -am package -DskipTests

build: $(JAR) $(ADMIN_JAR) $(LOCAL_JAR)

run: $(LOCAL_JAR)
	@$(JAVA) -cp $(LOCAL_JAR) dev.partnerregistry.local.LocalRegistry

test:
	$(MVN) verify
	$(MAKE) --no-print-directory readme-test

# The README is a test: its walkthrough blocks run in order against one make run (integration-tests/readme-walkthrough.py).
readme-test: $(LOCAL_JAR)
	python3 integration-tests/readme-walkthrough.py

# The unit tier alone: no engine, no network, seconds.
unit-test:
	$(MVN) -pl function,admin,local-runtime -am test

invoke: $(LOCAL_JAR)
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json"; exit 2; }
	@$(JAVA) -cp $(LOCAL_JAR) dev.partnerregistry.local.LocalInvoke $(EVENT)

admin: $(ADMIN_JAR)
	@$(JAVA) -cp $(ADMIN_JAR) dev.partnerregistry.admin.AdminCommand $(ARGS)

bench: $(JAR) $(ADMIN_JAR)
	bench/cold-start.sh

bench-guard: $(JAR) $(ADMIN_JAR)
	bench/handler-vs-lean.sh

bench-events: $(LOCAL_JAR)
	bench/partner-events.sh

bench-warm: $(JAR)
	bench/warm.sh

soak: $(LOCAL_JAR)
	bench/soak.sh

console/node_modules/.package-lock.json: console/package-lock.json
	cd console && npm ci --no-audit --no-fund

$(CONSOLE): console/node_modules/.package-lock.json console/build.mjs $(shell find console/src -type f 2>/dev/null)
	cd console && npm run -s build

console: $(CONSOLE)

run: $(CONSOLE)

# The stack deploys the built console (infra/infra.mk's synth, deploy, diff).
infra-build: $(CONSOLE)

# Browser tests first: they build the jars they run (package, tests skipped); then every Maven test.
test: console-test

console-test: $(LOCAL_JAR) $(CONSOLE)
	cd console && npm test

clean:
	$(MVN) -q clean
	rm -rf cdk.out console/dist

-include infra/infra.mk
