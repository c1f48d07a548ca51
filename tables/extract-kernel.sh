#!/usr/bin/env bash
# extract-kernel.sh DIR: extract the parts of Debian's linux-source tarball
# that `syschain-gen tables` reads (the list is tablegen.SourcePaths) into
# DIR, outside the repository. Idempotent: a DIR already extracted from the
# same tarball is left alone.
set -euo pipefail
dir=${1:?usage: extract-kernel.sh DIR}
tarball=${KERNEL_TARBALL:-$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)}
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
	echo "extract-kernel.sh: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source, or set KERNEL_TARBALL)" >&2
	exit 1
fi
stamp="$dir/.syschain-extracted"
want="$(basename "$tarball") $(stat -c '%s %Y' "$tarball")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi
# Keep in sync with SourcePaths in gen/tablegen/tablegen.go (a test checks).
paths=(
	Makefile
	include/uapi/asm-generic/unistd.h include/uapi/asm-generic/bitsperlong.h
	block fs init io_uring ipc kernel mm net security lib virt crypto
	include/linux/syscalls.h drivers/char/random.c drivers/pci/syscall.c
	arch/x86 arch/arm arch/arm64 arch/loongarch arch/mips arch/powerpc
	arch/riscv arch/s390 arch/sparc
)
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
patterns=()
for p in "${paths[@]}"; do patterns+=("*/$p"); done
echo "extracting $(basename "$tarball") into $dir ..." >&2
tar -xf "$tarball" -C "$tmp" --strip-components=1 --wildcards --no-wildcards-match-slash "${patterns[@]}"
echo "$want" >"$tmp/.syschain-extracted"
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
mv "$tmp" "$dir"
trap - EXIT
