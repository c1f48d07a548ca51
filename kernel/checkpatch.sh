#!/usr/bin/env bash
# checkpatch.sh: run the kernel's scripts/checkpatch.pl --strict on the
# series in kernel/patches, from the tree build.sh extracted (run
# make kernel first). Exits non-zero on any error, warning or check,
# except the warnings listed in $ignore, each a known false positive of a
# checkpatch heuristic on this series (kernel/README.md says why).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SYSCHAIN_KCACHE:-$HOME/.cache/syschain/kernel}
cp=$cache/tree/scripts/checkpatch.pl
[ -x "$cp" ] || { echo "checkpatch.sh: $cp not found: run make kernel first" >&2; exit 1; }
# ENOSYS: checkpatch flags every ENOSYS ("means 'invalid syscall nr' and
# nothing else"); here it is exactly that (a step's number past the
# table), or the kernel's own result for a syscall seccomp skipped.
ignore=ENOSYS
out=$(cd "$cache/tree" && ./scripts/checkpatch.pl --strict --ignore "$ignore" \
	$(ls "$here"/patches/*.patch | grep -v 0000-cover-letter) 2>&1) || true
echo "$out" | grep -E '^(ERROR|WARNING|CHECK|total:)|^#[0-9]+:' || true
if echo "$out" | grep -qE '^total: [1-9]|^total: 0 errors, [1-9]|^total: 0 errors, 0 warnings, [1-9]'; then
	echo "checkpatch.sh: the series has the problems above" >&2
	exit 1
fi
echo "checkpatch.sh: the series is clean (checkpatch --strict, ignoring $ignore)"
