# Trellis: the two entry points are `make demo` and `make test` (see README.md).
# Both install missing Debian packages first (scripts/setup) and build in release mode:
# the numeric tests are heavy, and release is what students run.
SWIFT ?= swift
CONFIG ?= release

.PHONY: all setup build demo test faults clean

all: build

setup:
	./scripts/setup

build: setup
	$(SWIFT) build -c $(CONFIG)

demo: build
	TRELLIS=.build/$(CONFIG)/trellis ./scripts/demo

# `swift test` builds every target (with testable imports) itself; a separate `swift build` first would
# compile the whole package twice.
test: setup
	$(SWIFT) test -c $(CONFIG)

# Kill `trellis train` at 50 random moments and check every run folder it leaves (docs/reliability.md).
faults: build
	TRELLIS=.build/$(CONFIG)/trellis ./scripts/faults --kills 50

clean:
	rm -rf .build out/demo data/default
