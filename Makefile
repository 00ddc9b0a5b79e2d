# Trellis: the two entry points are `make demo` and `make test` (see README.md).
# Both install missing Debian packages first (scripts/setup) and build in release mode:
# the numeric tests are heavy, and release is what students run.
SWIFT ?= swift
CONFIG ?= release

.PHONY: all setup build demo test fuzz clean

all: build

setup:
	./scripts/setup

build: setup
	$(SWIFT) build -c $(CONFIG)

demo: build
	TRELLIS=.build/$(CONFIG)/trellis ./scripts/demo

# `swift test` builds every target (with testable imports) itself; a separate `swift build` first would
# compile the whole package twice.
# After the Swift tests, a short pass of every fuzz target over its seeds and kept crashes (docs/reliability.md).
test: setup
	$(SWIFT) test -c $(CONFIG)
	./scripts/fuzz all $(FUZZ_RUNS)

# Longer fuzzing: `make fuzz FUZZ_RUNS=1000000` (or scripts/fuzz TARGET RUNS for one target).
FUZZ_RUNS ?= 2000
fuzz:
	./scripts/fuzz all $(FUZZ_RUNS)

clean:
	rm -rf .build out/demo data/default
