# Partner Registry: the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B
JAR := function/target/partner-registry-function.jar
JAVA ?= java

.PHONY: help build run test invoke admin bench clean

help:
	@echo "make run     - the registry on http://127.0.0.1:$${PORT:-4010} (starts moto_server unless DYNAMODB_ENDPOINT is set)"
	@echo "make test    - every test: unit, engine (moto_server/LocalStack/DYNAMODB_ENDPOINT), SDK and CLI wire, CDK"
	@echo "make invoke EVENT=events/create-partner-event-source.json - run the handler once on an API Gateway event"
	@echo "make admin ARGS='show-partner --partner example.com'       - operator controls"
	@echo "make bench   - cold start of a fresh JVM: init + first request"
	@echo "make synth | cfn-lint | deploy | sam-commands | localstack-deploy - the CDK stack (infra/infra.mk)"

$(JAR): $(shell find function/src/main -type f 2>/dev/null) function/pom.xml pom.xml
	$(MVN) -q -pl function -am package -DskipTests

build: $(JAR)

run: $(JAR)
	$(JAVA) -cp $(JAR) dev.partnerregistry.local.LocalRegistry

test:
	$(MVN) verify

invoke: $(JAR)
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<file>.json"; exit 2; }
	$(JAVA) -cp $(JAR) dev.partnerregistry.local.LocalInvoke $(EVENT)

admin: $(JAR)
	$(JAVA) -cp $(JAR) dev.partnerregistry.admin.AdminCommand $(ARGS)

bench: $(JAR)
	bench/cold-start.sh

clean:
	$(MVN) -q clean
	rm -rf cdk.out

-include infra/infra.mk
