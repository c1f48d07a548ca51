#!/usr/bin/env bash
# build.sh: build the sys_chain guest kernel.
#
# Extracts Debian's linux-source 6.1 into a cache outside the repository,
# applies kernel/patches/*.patch, configures tinyconfig + kvm_guest.config +
# kernel/config.fragment and builds a bzImage. The result is cached under a
# key derived from the patches, the fragment and the tarball, so the kernel
# is rebuilt only when one of them changes. One work tree is kept and patched
# in place (the previous series is reverse-applied first), so a changed
# patch costs an incremental build, not a full one.
#
# Output: prints the path of the image directory, which holds bzImage and
# gen_init_cpio (the kernel's initramfs packer, used by test.sh).
#
# Environment: SYSCHAIN_KCACHE (default $HOME/.cache/syschain/kernel),
# KERNEL_TARBALL (default /usr/src/linux-source-6.1.tar.xz), JOBS (nproc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SYSCHAIN_KCACHE:-$HOME/.cache/syschain/kernel}
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-$(nproc)}

[ -r "$tarball" ] || { echo "build.sh: $tarball not found: run 'make deps' (apt package linux-source-6.1)" >&2; exit 1; }
mkdir -p "$cache"

# One build at a time per cache (make kernel-test may race with make kernel).
exec 9>"$cache/.lock"
flock 9

key=$( { echo "tarball $(basename "$tarball") $(stat -c %s "$tarball")"; cat "$here"/patches/*.patch "$here/config.fragment" "$here/build.sh"; } | sha256sum | cut -c1-16)
out=$cache/images/$key
if [ -s "$out/bzImage" ] && [ -x "$out/gen_init_cpio" ]; then
	echo "build.sh: cached kernel $key" >&2
	echo "$out"
	exit 0
fi

tree=$cache/tree
applied=$cache/applied.patch # the series currently applied to $tree
series=$(mktemp)
cat "$here"/patches/*.patch >"$series"

if [ ! -f "$tree/Makefile" ]; then
	echo "build.sh: extracting $tarball into $tree" >&2
	rm -rf "$tree" "$tree.tmp" "$applied"
	mkdir -p "$tree.tmp"
	tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
fi

# files a series touches (its +++ lines), relative to the tree
touched() { sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1" | sort -u; }

keep=$(mktemp -d)
trap 'rm -f "$series"; rm -rf "$keep"' EXIT
if [ -f "$applied" ] && ! cmp -s "$applied" "$series"; then
	echo "build.sh: reverting the previous patch series" >&2
	# Keep the patched files with their times: a file the new series
	# leaves as it was gets its old mtime back, so make rebuilds only
	# what really changed (a header like syscalls.h would otherwise
	# rebuild most of the kernel).
	(cd "$tree" && touched "$applied" | while read -r f; do
		[ -f "$f" ] && mkdir -p "$keep/$(dirname "$f")" && cp -p "$f" "$keep/$f"; done)
	patch -d "$tree" -p1 -R -s <"$applied"
	rm -f "$applied"
fi
if [ ! -f "$applied" ]; then
	echo "build.sh: applying $(ls "$here"/patches/*.patch | wc -l) patches" >&2
	# --dry-run first, so a bad series leaves the tree pristine.
	patch -d "$tree" -p1 -s -N --dry-run <"$series" >/dev/null ||
		{ echo "build.sh: the patch series does not apply to $tarball" >&2; exit 1; }
	patch -d "$tree" -p1 -s -N <"$series"
	(cd "$tree" && touched "$series" | while read -r f; do
		if [ -f "$keep/$f" ] && cmp -s "$keep/$f" "$f"; then touch -r "$keep/$f" "$f"; fi; done)
	cp "$series" "$applied"
fi

echo "build.sh: configuring (tinyconfig + kvm_guest.config + config.fragment)" >&2
make -C "$tree" -s tinyconfig >/dev/null
make -C "$tree" -s kvm_guest.config >/dev/null
"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$here/config.fragment" >/dev/null
make -C "$tree" -s olddefconfig >/dev/null
# Every line of the fragment must have survived olddefconfig (a missing
# dependency silently drops an option).
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) grep -qx "$line" "$tree/.config" || { echo "build.sh: $line did not survive olddefconfig" >&2; missing=1; } ;; esac
done <"$here/config.fragment"
[ $missing = 0 ] || exit 1

echo "build.sh: make -j$jobs bzImage (first build ~5 min on 2 cores)" >&2
start=$(date +%s)
make -C "$tree" -j"$jobs" -s bzImage >&2
echo "build.sh: built in $(( $(date +%s) - start ))s" >&2

mkdir -p "$out.tmp"
cp "$tree/arch/x86/boot/bzImage" "$out.tmp/bzImage"
cp "$tree/.config" "$out.tmp/config"
gcc -O2 -o "$out.tmp/gen_init_cpio" "$tree/usr/gen_init_cpio.c"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
