# Trellis: the two entry points are `make demo` and `make test` (see README.md).
# Both install missing Debian packages first (scripts/setup) and build in release mode:
# the numeric tests are heavy, and release is what students run.
SWIFT ?= swift
CONFIG ?= release

.PHONY: all setup build demo report test fuzz faults man completions clean

all: build

setup:
	./scripts/setup

build: setup
	$(SWIFT) build -c $(CONFIG)

demo: build
	TRELLIS=.build/$(CONFIG)/trellis ./scripts/demo

# The homework report (README.md, "The homework report"): the notebook runs every step itself, corpus included;
# the report goes to report/ (homework2-report.md, .html and figures/), its working files to out/report-work/.
# Each run starts clean: `train` refuses a folder that already holds a run.
report: build
	rm -rf out/report-work report
	.build/$(CONFIG)/trellis notebook run notebooks-md/homework2-report.md --out report --html

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

# The man page, generated from the command declarations by swift-argument-parser's generate-manual
# plugin (it builds trellis and reads its --experimental-dump-help); the result is committed as
# docs/trellis.1, so run this after changing a command. Read it with `man -l docs/trellis.1`.
man: setup
	$(SWIFT) package generate-manual --configuration $(CONFIG)
	cp .build/plugins/GenerateManual/outputs/trellis/trellis.1 docs/trellis.1

# Shell completion scripts for bash, zsh and fish, as swift-argument-parser generates them from the
# same declarations (README.md, "Completion outside the shell", says where to put them).
completions: build
	mkdir -p .build/completions
	.build/$(CONFIG)/trellis --generate-completion-script bash > .build/completions/trellis.bash
	.build/$(CONFIG)/trellis --generate-completion-script zsh > .build/completions/_trellis
	.build/$(CONFIG)/trellis --generate-completion-script fish > .build/completions/trellis.fish

# Kill `trellis train` at 50 random moments and check every run folder it leaves (docs/reliability.md).
faults: build
	TRELLIS=.build/$(CONFIG)/trellis ./scripts/faults --kills 50

clean:
	rm -rf .build out/demo out/report-work report data/default
