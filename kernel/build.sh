#!/usr/bin/env bash
# build.sh: build the sys_chain guest kernel.
#
# Extracts Debian's linux-source 6.1 into a cache outside the repository,
# applies kernel/patches/*.patch, configures tinyconfig +
# kernel/config.fragment and builds a bzImage. The result is cached under a
# key derived from the patches, the fragment and the tarball, so the kernel
# is rebuilt only when one of them changes. One work tree is kept and patched
# in place (the previous series is reverse-applied first), so a changed
# patch costs an incremental build, not a full one.
#
# Output: prints the path of the image directory, which holds bzImage (Image
# on arm64) and gen_init_cpio (the kernel's initramfs packer, used by test.sh).
#
# Environment: SYSCHAIN_KCACHE (default $HOME/.cache/syschain/kernel),
# KERNEL_TARBALL (default /usr/src/linux-source-6.1.tar.xz), JOBS (nproc),
# SYSCHAIN_KVARIANT (empty for the test guest, "debug" for the sanitizer
# guest: config.debug.fragment merged last, its own tree and images),
# SYSCHAIN_KARCH (x86_64, the default, or arm64: cross-built with
# aarch64-linux-gnu-gcc from tinyconfig + config-arm64.fragment into an
# Image, in its own cache SYSCHAIN_KCACHE_ARM64, default
# $HOME/.cache/syschain/kernel-aarch64).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SYSCHAIN_KCACHE:-$HOME/.cache/syschain/kernel}
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-$(nproc)}
variant=${SYSCHAIN_KVARIANT:-}
fragments=("$here/config.fragment")
case $variant in
"") suffix= ;;
debug) suffix=-debug; fragments+=("$here/config.debug.fragment") ;;
*) echo "build.sh: SYSCHAIN_KVARIANT must be empty or debug, not $variant" >&2; exit 2 ;;
esac
karch=${SYSCHAIN_KARCH:-x86_64}
case $karch in
x86_64) kmake=(); configs=(tinyconfig); target=bzImage; image=arch/x86/boot/bzImage; ucc=gcc ;;
arm64)
	[ -z "$variant" ] || { echo "build.sh: SYSCHAIN_KVARIANT=$variant is x86_64 only" >&2; exit 2; }
	kmake=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-); configs=(tinyconfig); target=Image; image=arch/arm64/boot/Image
	ucc=aarch64-linux-gnu-gcc
	fragments=("$here/config-arm64.fragment")
	cache=${SYSCHAIN_KCACHE_ARM64:-$HOME/.cache/syschain/kernel-aarch64}
	command -v $ucc >/dev/null || { echo "build.sh: $ucc not found: run 'make deps' (apt package gcc-aarch64-linux-gnu)" >&2; exit 1; } ;;
*) echo "build.sh: SYSCHAIN_KARCH must be x86_64 or arm64, not $karch" >&2; exit 2 ;;
esac

[ -r "$tarball" ] || { echo "build.sh: $tarball not found: run 'make deps' (apt package linux-source-6.1)" >&2; exit 1; }
mkdir -p "$cache"

# One build at a time per cache (make kernel-test may race with make kernel).
exec 9>"$cache/.lock$suffix"
flock 9

key=$( { echo "tarball $(basename "$tarball") $(stat -c %s "$tarball")"; cat "$here"/patches/*.patch "${fragments[@]}" "$here/build.sh"; } | sha256sum | cut -c1-16)
out=$cache/images$suffix/$key
if [ -s "$out/$target" ] && [ -x "$out/gen_init_cpio" ]; then
	echo "build.sh: cached kernel $key" >&2
	echo "$out"
	exit 0
fi

tree=$cache/tree$suffix
applied=$cache/applied$suffix.patch # the series currently applied to $tree
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
		if [ -f "$f" ]; then mkdir -p "$keep/$(dirname "$f")" && cp -p "$f" "$keep/$f"; fi; done)
	# Patch by patch, last first: -R on the concatenation would undo
	# them in order, which fails where a later patch edits what an
	# earlier one added.
	mkdir -p "$keep/split"
	awk -v d="$keep/split" '/^From [0-9a-f]+ Mon Sep 17 00:00:00 2001$/ { n++ } { print > sprintf("%s/%04d.patch", d, n) }' "$applied"
	for p in $(ls "$keep/split"/*.patch | sort -r); do
		grep -q '^+++ ' "$p" || continue # the cover letter
		patch -d "$tree" -p1 -R -s <"$p"
	done
	rm -f "$applied"
fi
if [ ! -f "$applied" ]; then
	echo "build.sh: applying $(ls "$here"/patches/*.patch | wc -l) patches" >&2
	# A trial run on copies of the files it touches first, so a bad
	# series leaves the tree pristine (patch --dry-run cannot check a
	# series whose later patches change what earlier ones added).
	# Patch by patch: in one stream, GNU patch cannot edit a file that
	# an earlier patch of the stream renamed (kernel/sys_chain.c).
	trial=$keep/trial
	mkdir -p "$trial" "$keep/new"
	awk -v d="$keep/new" '/^From [0-9a-f]+ Mon Sep 17 00:00:00 2001$/ { n++ } { print > sprintf("%s/%04d.patch", d, n) }' "$series"
	(cd "$tree" && { touched "$series"; sed -n 's|^rename from \(.*\)|\1|p' "$series"; } | sort -u | while read -r f; do
		if [ -f "$f" ]; then mkdir -p "$trial/$(dirname "$f")" && cp -p "$f" "$trial/$f"; fi; done)
	for p in "$keep/new"/*.patch; do
		grep -q '^+++ ' "$p" || continue # the cover letter
		patch -d "$trial" -p1 -s -N <"$p" >/dev/null ||
			{ echo "build.sh: the patch series does not apply to $tarball ($(sed -n 's/^Subject: //p' "$p" | head -1))" >&2; exit 1; }
	done
	for p in "$keep/new"/*.patch; do
		grep -q '^+++ ' "$p" || continue
		patch -d "$tree" -p1 -s -N <"$p"
	done
	(cd "$tree" && touched "$series" | while read -r f; do
		if [ -f "$keep/$f" ] && cmp -s "$keep/$f" "$f"; then touch -r "$keep/$f" "$f"; fi; done)
	cp "$series" "$applied"
fi

echo "build.sh: configuring $karch (${configs[*]} + ${fragments[*]##*/})" >&2
for c in "${configs[@]}"; do make -C "$tree" "${kmake[@]}" -s "$c" >/dev/null; done
"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "${fragments[@]}" >/dev/null
make -C "$tree" "${kmake[@]}" -s olddefconfig >/dev/null
# Every line of the fragment must have survived olddefconfig (a missing
# dependency silently drops an option).
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) grep -qx "$line" "$tree/.config" || { echo "build.sh: $line did not survive olddefconfig" >&2; missing=1; } ;; esac
done < <(cat "${fragments[@]}")
[ $missing = 0 ] || exit 1

echo "build.sh: make -j$jobs $target${suffix:+ ($variant)} (first build ~5 min on 2 cores${suffix:+, the debug one longer})" >&2
start=$(date +%s)
buildlog=$cache/build$suffix.log
make -C "$tree" "${kmake[@]}" -j"$jobs" -s "$target" 2>&1 | tee "$buildlog" >&2
[ "${PIPESTATUS[0]}" = 0 ] || { echo "build.sh: make failed" >&2; exit 1; }
echo "build.sh: built in $(( $(date +%s) - start ))s" >&2
# objtool only warns about a call with AC set (user access open); for the
# chain executor that is a broken invariant (kernel/README.md, SMAP), so
# it fails the build.
if grep -E 'chain\.o: warning: objtool' "$buildlog" >&2; then
	echo "build.sh: objtool found the problem above in the sys_chain executor" >&2
	exit 1
fi

mkdir -p "$out.tmp"
cp "$tree/$image" "$out.tmp/$target"
cp "$tree/.config" "$out.tmp/config"
gcc -O2 -o "$out.tmp/gen_init_cpio" "$tree/usr/gen_init_cpio.c"
# The series' kselftest (tools/testing/selftests/sys_chain), static, for
# the guest to run next to the Go suite.
st=$tree/tools/testing/selftests/sys_chain/sys_chain_test.c
if [ -f "$st" ]; then
	$ucc -static -O2 -Wall -o "$out.tmp/sys_chain_test" "$st"
fi
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
