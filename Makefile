# The two commands of README.md:
#   make demo   installs what is missing, builds, and runs the demo
#   make test   installs what is missing, builds, and passes the tests
BUILD ?= build
JOBS ?= $(shell nproc)
# Share the compiler cache between clones of the repository (CI builds a
# fresh clone): paths are hashed relative to the checkout.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: deps configure build test demo fuzz clean format

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset default >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@tests/run-all.sh $(BUILD)

demo: build
	@scripts/demo.sh $(BUILD)

fuzz: deps
	@tests/fuzz/run.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
