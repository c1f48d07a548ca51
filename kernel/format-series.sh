#!/usr/bin/env bash
# format-series.sh: regenerate kernel/patches from a git tree of the kernel.
#
#   kernel/format-series.sh KERNEL_GIT_DIR [BASE]
#
# KERNEL_GIT_DIR holds Debian's linux-source-6.1 at BASE (default: the
# branch "base") with the series committed on top, one commit per logical
# patch, each with its Signed-off-by. The patches are written with
# `git format-patch --cover-letter`; the cover letter's subject and body
# come from kernel/cover-letter.txt (first line the subject), so whoever
# regenerates the series keeps it. Writes atomically: a failed run leaves
# kernel/patches as it was. Then run checkpatch (kernel/checkpatch.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kgit=${1:?usage: format-series.sh KERNEL_GIT_DIR [BASE]}
base=${2:-base}
branch=$(git -C "$kgit" symbolic-ref --short HEAD)
tmp=$(mktemp -d "$here/patches.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The cover letter's author and date are the series' last commit's, so
# regenerating an unchanged series reproduces it byte for byte (build.sh
# keys its image cache by these files).
GIT_AUTHOR_NAME=$(git -C "$kgit" log -1 --format=%an HEAD) \
GIT_AUTHOR_EMAIL=$(git -C "$kgit" log -1 --format=%ae HEAD) \
GIT_AUTHOR_DATE=$(git -C "$kgit" log -1 --format=%aD HEAD) \
GIT_COMMITTER_NAME=$(git -C "$kgit" log -1 --format=%an HEAD) \
GIT_COMMITTER_EMAIL=$(git -C "$kgit" log -1 --format=%ae HEAD) \
GIT_COMMITTER_DATE=$(git -C "$kgit" log -1 --format=%aD HEAD) \
git -C "$kgit" -c "branch.$branch.description=$(cat "$here/cover-letter.txt")" \
	format-patch -q --no-signature --cover-letter --cover-from-description=subject \
	"$base..HEAD" -o "$tmp"
rm -rf "$here/patches.old"
mv "$here/patches" "$here/patches.old"
mv "$tmp" "$here/patches"
rm -rf "$here/patches.old"
trap - EXIT
ls "$here/patches"
