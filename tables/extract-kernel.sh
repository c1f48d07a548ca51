#!/usr/bin/env bash
# KERNEL_TARBALL=FILE extract-kernel.sh DIR: extract the parts of a Linux
# source tarball (Debian's /usr/src/linux-source-X.Y.tar.xz, or a kernel.org
# linux-X.Y.tar.xz: one top directory) that `syschain-gen tables` reads (the
# list is tablegen.SourcePaths) into DIR, outside the repository.
# Idempotent: a DIR already extracted from the same tarball is left alone.
set -euo pipefail
dir=${1:?usage: extract-kernel.sh DIR}
tarball=${KERNEL_TARBALL:?set KERNEL_TARBALL to a linux-source .tar.xz, e.g. /usr/src/linux-source-6.12.tar.xz (make tables does)}
if [ ! -f "$tarball" ]; then
	echo "extract-kernel.sh: $tarball: no such file (make deps installs Debian's linux-source-6.12 and linux-source-6.1; or point KERNEL_TARBALL at a kernel.org tarball)" >&2
	exit 1
fi
stamp="$dir/.syschain-extracted"
want="$(basename "$tarball") $(stat -c '%s %Y' "$tarball")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi
# Keep in sync with SourcePaths in gen/tablegen/tablegen.go (a test checks).
paths=(
	Makefile scripts
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
