#!/usr/bin/env bash
# bench.sh: make du-bench. On the host, the du comparison of the guest's
# table (kernel/guest/du.go) as whole-process timings with hyperfine: GNU
# du, examples/du on the interp and uring backends, the same loop with
# plain syscalls (-direct), and filepath.WalkDir + os.Lstat (-walkdir), on
# one tree on disk (under /tmp) and one on tmpfs. Every method's output is
# checked against GNU du's first. Prints a table per tree and
# "BENCH host-<fs>/du/<method> <ns>" lines (median wall-clock ns per whole
# process) and "BENCH host-<fs>/du-cpu/<method> <ns>" (mean user+system
# CPU ns, steadier on a loaded machine), which make bench-report charts.
#
# Environment: DU_DIRS, DU_FILES (tree size, default 1000 and 20000),
# DU_RUNS (hyperfine runs per command, default 30).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dirs=${DU_DIRS:-1000}
files=${DU_FILES:-20000}
runs=${DU_RUNS:-30}
command -v hyperfine >/dev/null || { echo "bench.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }

work=$(mktemp -d /tmp/syschain-du-bench.XXXXXX)
tmpfs=
cleanup() {
	[ -n "$tmpfs" ] && umount "$tmpfs" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -o "$work/du" ./examples/du && go build -o "$work/benchtree" ./examples/du/internal/benchtree)

trees=("disk:$work/tree")
if [ "$(id -u)" = 0 ] && mkdir "$work/tmpfs" && mount -t tmpfs -o size=1g tmpfs "$work/tmpfs"; then
	tmpfs=$work/tmpfs
	trees+=("tmpfs:$tmpfs/tree")
elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	d=$(mktemp -d /dev/shm/syschain-du.XXXXXX)
	trap 'cleanup; rm -rf "$d"' EXIT
	trees+=("tmpfs:$d/tree")
else
	echo "bench.sh: no tmpfs (not root, no /dev/shm): the disk tree only" >&2
fi

for t in "${trees[@]}"; do
	fs=${t%%:*} tree=${t#*:}
	"$work/benchtree" "$tree" "$dirs" "$files"
	methods=(gnu interp uring direct walkdir)
	declare -A cmd=(
		[gnu]="du"
		[interp]="$work/du -backend interp"
		[uring]="$work/du -backend uring"
		[direct]="$work/du -direct"
		[walkdir]="$work/du -walkdir"
	)
	if ! "$work/du" -backend uring -s "$tree" >/dev/null 2>&1; then
		echo "bench.sh: the uring backend is not available here; skipping it" >&2
		methods=(gnu interp direct walkdir)
	fi
	# Identical output first: every line for the methods that keep
	# GNU du's order, the totals for all.
	for m in "${methods[@]}"; do
		for args in "-s" "-s -b" ""; do
			[ "$m" = walkdir ] && [ -z "$args" ] && continue
			# shellcheck disable=SC2086
			if ! cmp -s <(LC_ALL=C du $args "$tree") <(LC_ALL=C ${cmd[$m]} $args "$tree"); then
				echo "bench.sh: FAIL: $m du $args differs from GNU du on $fs" >&2
				exit 1
			fi
		done
	done
	hargs=()
	for m in "${methods[@]}"; do
		hargs+=(-n "$m" "${cmd[$m]} -s $tree")
	done
	echo "du -s of $dirs directories, $files files on $fs ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)), $runs runs each:"
	LC_ALL=C hyperfine -N -w 3 -r "$runs" --style none --export-csv "$work/$fs.csv" "${hargs[@]}" >/dev/null
	# command,mean,stddev,median,user,system,min,max (seconds)
	awk -F, -v fs="$fs" '
		NR > 1 { name[NR] = $1; med[$1] = $4; min[$1] = $7; cpu[$1] = $5 + $6; n = NR }
		END {
			printf "  %-8s %10s %10s %10s %12s\n", "method", "median ms", "min ms", "cpu ms", "direct/this"
			for (i = 2; i <= n; i++) { m = name[i]
				printf "  %-8s %10.1f %10.1f %10.1f %11.2fx\n", m, med[m] * 1e3, min[m] * 1e3, cpu[m] * 1e3, med["direct"] / med[m] }
			for (i = 2; i <= n; i++) { m = name[i]; printf "BENCH host-%s/du/%s %.0f\n", fs, m, med[m] * 1e9 }
			for (i = 2; i <= n; i++) { m = name[i]; printf "BENCH host-%s/du-cpu/%s %.0f\n", fs, m, cpu[m] * 1e9 }
			printf "  interp / direct: %.3fx wall (median), %.3fx CPU (target <= 1.05)\n", med["interp"] / med["direct"], cpu["interp"] / cpu["direct"]
			printf "  interp / walkdir: %.3fx wall (median), %.3fx CPU (target <= 1)\n", med["interp"] / med["walkdir"], cpu["interp"] / cpu["walkdir"]
		}' "$work/$fs.csv"
	unset cmd
done
