# syschain: every target a newcomer or CI needs. Nothing is assumed installed
# but Go, make and apt; targets that need a Debian package install it.

GO      ?= go
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests use: qemu-user-static runs the cross-arch tests,
# linux-source-6.12 is the kernel tree tables are regenerated from,
# linux-source-6.1 the tree the guest kernel is built from and the older
# layout the tables are checked against (tables-compat), the rest build
# and boot the sys_chain guest kernel (qemu-system-arm and
# gcc-aarch64-linux-gnu: its arm64 twin).
APT_PKGS := qemu-user-static qemu-system-x86 linux-source-6.12 linux-source-6.1 seccomp \
	bc flex bison libelf-dev libssl-dev cpio xz-utils gcc make \
	qemu-system-arm gcc-aarch64-linux-gnu

.PHONY: all demo test deps vet fmt-check generate generate-check tables \
	tables-check tables-compat bench fuzz kernel kernel-test kernel-arm64 kernel-test-arm64 \
	kernel-checkpatch kernel-debug kernel-test-debug clean du-bench bench-report

all: test

# demo: the README's first command — run a real chain and print its trace.
demo:
	$(GO) run ./cmd/syschain run 'openat(AT_FDCWD, "/etc/os-release", O_RDONLY, 0); read($$0, buf[4096], 4096); write(1, buf, $$1); close($$0)'

# deps: install the Debian packages the tests need (skipped when present).
deps:
	@missing=; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# vet: the host, plus one 32-bit and one other 64-bit arch, since much of
# the tree is per-arch (build-tagged files, generated builders).
vet:
	$(GO) vet ./...
	GOARCH=386 $(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# test: the README's test command and what CI runs.
test: deps fmt-check vet generate-check
	$(GO) test -count=1 ./...

# generate: regenerate generated/ from tables/.
generate:
	$(GO) generate ./generated/ ./examples/... ./cmd/syschain/internal/script/

# generate-check: generated code must match the generator.
generate-check: generate
	@git diff --exit-code -- generated/ examples/ cmd/syschain/internal/script/zconsts.go && test -z "$$(git status --porcelain -- generated/ examples/ cmd/syschain/internal/script/zconsts.go)" || { echo "generated files are not up to date: run 'make generate' and commit"; git status --short -- generated/ examples/ cmd/syschain/internal/script/zconsts.go; exit 1; }

# The committed tables come from Debian's linux-source-6.12 (KERNEL_VERSION);
# tables-compat regenerates them from linux-source-6.1 (COMPAT_VERSION), the
# older layout of the asm-generic arches. Each tree is extracted once into
# its own cache directory.
KERNEL_VERSION := 6.12
KERNEL_TARBALL := /usr/src/linux-source-$(KERNEL_VERSION).tar.xz
KTREE ?= $(HOME)/.cache/syschain/linux-source-$(KERNEL_VERSION)
COMPAT_VERSION := 6.1
COMPAT_TARBALL := /usr/src/linux-source-$(COMPAT_VERSION).tar.xz
COMPAT_KTREE ?= $(HOME)/.cache/syschain/linux-source-$(COMPAT_VERSION)

# tables: regenerate tables/ from Debian's linux-source-6.12 tree.
tables: deps
	KERNEL_TARBALL="$(KERNEL_TARBALL)" ./tables/extract-kernel.sh "$(KTREE)"
	$(GO) run ./cmd/syschain-gen tables -kernel "$(KTREE)" -out tables/ -report

# tables-check: regenerating tables/ reproduces the committed files, and the
# overlay holds no row the tree already has.
tables-check: tables
	@git diff --exit-code -- 'tables/*.tbl' && test -z "$$(git status --porcelain -- 'tables/*.tbl')" || { echo "tables/ differ from a regeneration: run 'make tables' and commit"; exit 1; }
	$(GO) run ./cmd/syschain-gen tables -kernel "$(KTREE)" -out tables/ -n -fail-superseded

# tables-compat: tables regenerated from linux-source-6.1 into a temporary
# directory agree with the committed ones on every call both trees have;
# the differences are the calls 6.1 lacks plus the kernel changes listed in
# tables/compat-6.1.txt.
tables-compat: deps
	KERNEL_TARBALL="$(COMPAT_TARBALL)" ./tables/extract-kernel.sh "$(COMPAT_KTREE)"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./cmd/syschain-gen tables -kernel "$(COMPAT_KTREE)" -overlay tables/overlay.txt -out "$$tmp" && \
	$(GO) run ./cmd/syschain-gen tables-compat -old "$$tmp" -new tables/ -expect tables/compat-$(COMPAT_VERSION).txt

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./runtime/ > bench.out
	$(GO) run golang.org/x/perf/cmd/benchstat@latest -col /via bench.out

# du-bench: examples/du against GNU du, the direct loop and WalkDir on the
# host, whole-process timings with hyperfine (examples/du/bench.sh).
du-bench:
	@command -v hyperfine >/dev/null || { $(SUDO) apt-get install -y -qq hyperfine >/dev/null; }
	./examples/du/bench.sh | tee du-bench.out

# bench-report: the charts of docs/ (README "Benchmarks") from BENCH lines:
# docs/bench/guest.txt is the BENCH lines of a make kernel-test run
# (make kernel-test | tee k.out; grep '^BENCH' k.out > docs/bench/guest.txt),
# docs/bench/host.txt those of make du-bench. tools/benchreport is a module
# of its own: gonum/plot stays out of the library's dependencies.
BENCH_DATA ?= $(wildcard docs/bench/guest.txt docs/bench/host.txt)
bench-report:
	cd tools/benchreport && $(GO) run . -out ../../docs $(addprefix ../../,$(BENCH_DATA))

FUZZTIME ?= 10m
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./runtime/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./cmd/syschain/internal/script/

kernel: deps
	./kernel/build.sh

kernel-test: kernel
	./kernel/test.sh

# scripts/checkpatch.pl --strict over the series, from the tree build.sh
# extracted (kernel/checkpatch.sh lists the one message type it ignores).
kernel-checkpatch: kernel
	./kernel/checkpatch.sh

# The same kernel and guest on arm64: cross-built, booted under
# qemu-system-aarch64 -M virt (TCG).
kernel-arm64: deps
	SYSCHAIN_KARCH=arm64 ./kernel/build.sh

kernel-test-arm64: kernel-arm64
	./kernel/test-arm64.sh

# The sanitizer guest (x86_64: KASAN, KFENCE, UBSAN, kmemleak, lockdep,
# might_sleep and preemption checks; kernel/config.debug.fragment): its own
# cached image, the whole guest suite with syschain.debug=1, a kmemleak
# scan at the end; any sanitizer report fails.
kernel-debug: deps
	SYSCHAIN_KVARIANT=debug ./kernel/build.sh

kernel-test-debug: kernel-debug
	SYSCHAIN_KVARIANT=debug ./kernel/test.sh

clean:
	rm -f bench.out du-bench.out
