# policygraph — everyday tasks. `make test` is the test command (CI runs it
# through .ci/run). Neo4j comes from scripts/neo4j; see the top of that file.

GOLANGCI_LINT_VERSION := v2.15.0

.PHONY: run build test check fmt-check vet generate-check generate-check-all lint generate generate-go neo4j-up neo4j-down bench-load bench-mem bench-api bench-validate

# The API on 127.0.0.1:8080: on the Neo4j of NEO4J_URI when it is set, else
# on the in-memory store with the seed dataset (nothing but Go needed). For
# the local Neo4j: make neo4j-up && eval "$$(scripts/neo4j env)" && make run
run:
	go run ./cmd/policygraph serve

build:
	go build -o bin/policygraph ./cmd/policygraph

# Every test: the gates (gofmt, go vet, generated code up to date,
# golangci-lint), the analyst notebook, the networkx checks of the exports
# and the Python client's tests (Python, against a live in-memory server)
# and mypy --strict on the client, the browser test of /, /explore and
# /graphiql (Chromium), then go test -race -v ./... against a throw-away
# Neo4j (or NEO4J_URI if set), then on Neo4j servers of their own:
# neo4j+s:// (TLS), read routing to distinct servers (two servers and a
# router) and import against load. Each step installs what it lacks.
test: fmt-check vet generate-check lint test-python
	scripts/notebook
	scripts/e2e
	scripts/test
	scripts/test-tls
	scripts/test-routing
	scripts/test-import

fmt-check:
	@files="$$(git ls-files -- '*.go' | xargs -r gofmt -l)"; \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

vet:
	go vet ./...

# The fast inner loop: the same gates as make test, then go test -short,
# which skips the Neo4j tests (and starts no Neo4j), the notebook and the
# browser test. Nothing but Go needed; make test before you push.
check: fmt-check vet generate-check lint
	go test -short ./...

# Generated code must be what `go generate` makes: no hand edits, no schema
# change without regenerating. generate-check runs the Go generators (gqlgen
# and the vocabulary enums; Go only); the web bundles are held to their
# sources by web's TestBundleIsFresh, and generate-check-all rebuilds them
# too (needs Node and npm).
generate-check:
	scripts/generate-check

generate-check-all:
	scripts/generate-check all

# golangci-lint with .golangci.yml. The first run on a fresh machine builds
# it from the Go module proxy (5-10 minutes on 2 shared cores, 1.5 CPU-minutes); later runs come
# from the build cache.
lint:
	go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...

# Everything that go generate makes: the GraphQL code (generate-go, Go only)
# and the web bundles (web, needs Node and npm).
generate: generate-go web

generate-go:
	go generate ./graph/...

neo4j-up:
	scripts/neo4j start

neo4j-down:
	scripts/neo4j stop

# Load benchmark: 1M nodes, 3M relationships into a dedicated Neo4j on port
# 7691 with `load`, then with `import`, side by side (BENCH_NODES,
# BENCH_RELS, BENCH_MODES, BENCH_LOAD_FLAGS adjust it); see
# docs/benchmarks.md.
bench-load:
	scripts/bench-load

# The in-memory store on the same 1M/3M synthetic graph: load time, memory,
# p50/p95 of neighbourhood depth 2, shortest path and search.
bench-mem:
	scripts/bench-mem

# Peak resident memory of `policygraph validate` on a 100k graph in order and
# relationships first, YAML of 20 MB and 8 MB, and a 50 MB JSON Lines line.
bench-validate:
	scripts/bench-validate

# The web explorer (/explore) and GraphiQL (/graphiql): rebuild the bundles
# in web/dist from the sources in web/ (needs Node and npm); commit web/dist
# with the sources.
.PHONY: web test-e2e bench-api
web:
	go generate ./web

# Browser test of /, /explore and /graphiql against a live in-memory server;
# installs Debian's chromium and web/node_modules when missing.
test-e2e:
	scripts/e2e

# The GraphQL API against the floor (one hand-written Cypher statement per
# scenario through the Go driver) and the peer (@neo4j/graphql 7.6.3, npm ci
# into scripts/benchpeer), interleaved, after an ID check, on the seed and a
# 100k/300k synthetic graph (BENCH_LARGE=1: 1M/3M too), in a dedicated Neo4j
# on port 7692; see docs/benchmarks.md.
bench-api:
	scripts/bench-api

# Python checks of the exports (networkx reads the GraphML and GEXF that a
# live in-memory server writes) and of the Python client (clients/python,
# installed into .venv by scripts/pyenv as pip install ./clients/python
# installs it), then mypy --strict on the client's sources.
.PHONY: test-python notebook
test-python:
	scripts/notebook .venv/bin/python -m pytest -q tests/python
	scripts/notebook .venv/bin/python -m pytest -q clients/python/tests
	cd clients/python && ../../.venv/bin/python -m mypy

# Open the whole seed graph's GEXF in the Gephi Toolkit (Maven Central),
# check what Gephi imported, lay it out and render it to
# docs/screenshots/gephi-graph.{png,svg}; see scripts/gephi-render.
.PHONY: gephi-screenshot
gephi-screenshot:
	scripts/gephi-render

# Run notebooks/policygraph.ipynb headless against a live in-memory server;
# the executed copy and its figure go to notebooks/out/.
notebook:
	scripts/notebook
