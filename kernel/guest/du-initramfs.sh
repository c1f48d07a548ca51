#!/usr/bin/env bash
# du-initramfs.sh: print gen_init_cpio lines that put the host's GNU du and
# the shared libraries it loads (ldd) into the guest's initramfs, at the
# paths the dynamic loader looks for them, for the du comparison
# (kernel/guest/du.go). kernel/test.sh runs every kernel/guest/*-initramfs.sh.
set -euo pipefail
du=$(command -v du)
declare -A made=()
mkdirs() {
	local d=$1 acc=
	IFS=/ read -ra parts <<<"${d#/}"
	for p in "${parts[@]}"; do
		acc=$acc/$p
		if [ -z "${made[$acc]:-}" ]; then
			echo "dir $acc 0755 0 0"
			made[$acc]=1
		fi
	done
}
put() { # put PATH: the file at PATH in the guest, from its real location
	mkdirs "$(dirname "$1")"
	echo "file $1 $(readlink -f "$1") 0755 0 0"
}
put /usr/bin/du
ldd "$du" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u | while read -r lib; do
	put "$lib"
done
