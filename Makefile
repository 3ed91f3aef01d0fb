# The two commands of the README. Each first installs any missing Debian
# package (scripts/install-deps.sh is quick when all are present), then
# configures and builds with CMake.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build demo test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "== merit validate proposals/mfg-2026"
	@$(BUILD)/merit validate proposals/mfg-2026
	@echo
	@echo "== merit rank proposals/mfg-2026"
	@$(BUILD)/merit rank proposals/mfg-2026

test: build
	@cd $(BUILD) && LC_ALL=C ctest --output-on-failure -j $(JOBS)

# The benchmark (bench/README.md): generated calls of 1k to 50k proposals,
# timed against xmllint; takes a while, and is never part of `make test`.
bench: build
	@bash bench/run.sh $(BUILD)/merit

clean:
	rm -rf $(BUILD)
