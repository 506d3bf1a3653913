# Infrastructure targets, meant to be `include`d by the root Makefile (they also work as
# `make -f infra/infra.mk <target>`). Every recipe runs from the repository root, wherever
# make was started. Nothing here needs AWS credentials except deploy/diff/destroy.
#
#   infra-build     package the function jar and the CDK app (tests skipped: `make test` runs them)
#   cdk-cli         install the pinned CDK CLI and cdklocal from package-lock.json (npm ci)
#   synth           cdk.out/PartnerRegistryStack.template.json, cdk-nag enforced
#   cfn-lint        cfn-lint on the synthesized template
#   sam-synth       the template for SAM (declares DYNAMODB_ENDPOINT so --env-vars can set it)
#   sam-commands    print the exact `sam local invoke` / `sam local start-api` commands
#   deploy / diff   to the account and region of the current AWS profile (CDK_ARGS passes -c ...)
#   localstack-deploy  the same stack into LocalStack through cdklocal
#
# Settings go through CDK context, e.g. `make synth CDK_ARGS="-c stageName=v2 -c memorySize=2048"`.

INFRA_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

INFRA_STACK       ?= PartnerRegistryStack
INFRA_CDK_OUT     ?= cdk.out
INFRA_TEMPLATE    := $(INFRA_CDK_OUT)/$(INFRA_STACK).template.json
INFRA_HANDLER     := dev.partnerregistry.api.PartnerRegistryHandler::handleRequest
INFRA_SAM_EVENT   ?= events/create-partner-event-source.json
INFRA_SAM_ENV     ?= infra/sam/env-localstack.json
INFRA_MVN         ?= mvn -B -q
CDK_ARGS          ?=
# No instance metadata lookups: the CLI has no business probing 169.254.169.254 off EC2.
INFRA_CDK_ENV     := AWS_EC2_METADATA_DISABLED=true
CDK               ?= $(INFRA_CDK_ENV) npx --no-install aws-cdk
CDKLOCAL          ?= $(INFRA_CDK_ENV) npx --no-install cdklocal

.PHONY: infra-build cdk-cli synth cfn-lint sam-synth sam-function-id sam-commands diff deploy localstack-deploy

infra-build:
	cd $(INFRA_ROOT) && $(INFRA_MVN) -pl infra -am package -DskipTests

cdk-cli: $(INFRA_ROOT)/node_modules/.package-lock.json

$(INFRA_ROOT)/node_modules/.package-lock.json: $(INFRA_ROOT)/package-lock.json
	cd $(INFRA_ROOT) && npm ci --no-audit --no-fund

synth: infra-build cdk-cli
	cd $(INFRA_ROOT) && $(CDK) synth --quiet $(CDK_ARGS)
	@echo "template: $(INFRA_TEMPLATE)"

# W3005: CDK's Function adds DependsOn on its role next to the GetAtt of it; see CfnLintTest.
cfn-lint: synth
	cd $(INFRA_ROOT) && cfn-lint --ignore-checks W3005 -- $(INFRA_TEMPLATE)

sam-synth: infra-build cdk-cli
	cd $(INFRA_ROOT) && $(CDK) synth --quiet -c samLocal=true $(CDK_ARGS)

# The function's logical id, read from the synthesized template (it is hashed from its construct path).
sam-function-id:
	@cd $(INFRA_ROOT) && node infra/sam/function-logical-id.js $(INFRA_TEMPLATE) $(INFRA_HANDLER)

sam-commands: sam-synth
	@cd $(INFRA_ROOT) && id=$$($(MAKE) -s --no-print-directory -f infra/infra.mk sam-function-id INFRA_CDK_OUT=$(INFRA_CDK_OUT) INFRA_STACK=$(INFRA_STACK)) && \
	echo "# SAM CLI and a Docker engine are needed (neither is on the build machine). Start LocalStack and" && \
	echo "# create the table first (docs/deploy.md, 'Invoke locally with SAM'). SAM passes the shell's" && \
	echo "# AWS credentials into the container; LocalStack accepts any, hence test/test." && \
	echo "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 sam local invoke $$id -t $(INFRA_TEMPLATE) -e $(INFRA_SAM_EVENT) --env-vars $(INFRA_SAM_ENV) --add-host host.docker.internal:host-gateway" && \
	echo "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 sam local start-api -t $(INFRA_TEMPLATE) --env-vars $(INFRA_SAM_ENV) --add-host host.docker.internal:host-gateway --port 3000"

diff: infra-build cdk-cli
	cd $(INFRA_ROOT) && $(CDK) diff $(CDK_ARGS)

deploy: infra-build cdk-cli
	cd $(INFRA_ROOT) && $(CDK) deploy $(INFRA_STACK) $(CDK_ARGS)

# LocalStack on localhost:4566 (cdklocal points the CLI there); one bootstrap per LocalStack start.
localstack-deploy: infra-build cdk-cli
	cd $(INFRA_ROOT) && $(CDKLOCAL) bootstrap $(CDK_ARGS) && $(CDKLOCAL) deploy $(INFRA_STACK) --require-approval never -c samLocal=true $(CDK_ARGS)
