#!/usr/bin/env bash
# test.sh: boot the sys_chain kernel under QEMU with the guest test program
# as /init, print its output and exit with its verdict.
#
# The guest (kernel/guest) runs the runtime's conformance suite on the
# kernel backend and on interp, the kernel ABI tests (validation, seccomp,
# ptrace, hostile input, the issue-8 hardening checks) and the comparison
# table, then reports PASS/FAIL through QEMU's isa-debug-exit device. The
# console log must also be free of BUG/WARNING/Oops/Call Trace and of
# sanitizer reports (the debug image: make kernel-test-debug).
#
# Uses KVM when the CPU has hardware virtualization (vmx/svm) and
# /dev/kvm is usable, TCG (emulation) otherwise; SYSCHAIN_ACCEL=tcg|kvm
# overrides. Environment: QEMU_TIMEOUT (seconds, default 600),
# SYSCHAIN_KIMAGE (an image directory to boot instead of building one),
# SYSCHAIN_APPEND (more kernel parameters, e.g. syschain.only=abi,leak).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# SYSCHAIN_KIMAGE=dir boots an image built earlier (say, from an older
# series, to see a regression test fail on it) instead of build.sh's.
img=${SYSCHAIN_KIMAGE:-$("$here/build.sh")}
# SYSCHAIN_KVARIANT=debug (make kernel-test-debug): the sanitizer image
# (config.debug.fragment), which runs everything several times slower and
# needs more memory; syschain.debug=1 tells the guest (longer timeouts,
# the kmemleak scan must be there).
case ${SYSCHAIN_KVARIANT:-} in
debug) timeout_s=${QEMU_TIMEOUT:-3600}; mem=1024; variant_args="syschain.debug=1" ;;
*) timeout_s=${QEMU_TIMEOUT:-600}; mem=512; variant_args= ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "test.sh: building the guest program (static, CGO_ENABLED=0)"
(cd "$root" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o "$work/init" ./kernel/guest)
# A 32-bit process for the ia32 section (syscall 500 must be ENOSYS there).
(cd "$root" && CGO_ENABLED=0 GOOS=linux GOARCH=386 go build -trimpath -o "$work/ia32" ./kernel/guest/ia32)

cat >"$work/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
nod /dev/port 0600 0 0 c 1 4
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
file /init $work/init 0755 0 0
file /ia32 $work/ia32 0755 0 0
LIST
# Guest sections that need host files (GNU du for the du comparison) add
# them with a kernel/guest/*-initramfs.sh script printing cpio list lines.
for hook in "$here"/guest/*-initramfs.sh; do
	[ -x "$hook" ] && "$hook" >>"$work/initramfs.list"
done
# The series' kselftest, built by build.sh from the patched tree.
if [ -x "$img/sys_chain_test" ]; then
	echo "file /sys_chain_test $img/sys_chain_test 0755 0 0" >>"$work/initramfs.list"
fi
"$img/gen_init_cpio" "$work/initramfs.list" >"$work/initramfs.cpio"

accel=${SYSCHAIN_ACCEL:-}
if [ -z "$accel" ]; then
	if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then accel=kvm; else accel=tcg; fi
fi
# Under TCG the guest's TSC is the host's, but the guest cannot calibrate
# it (emulation is too slow for the PIT loop) and falls back to jiffies
# (4 ms steps). When the host's TSC has a known constant rate, pass it.
clock=
if [ "$accel" = tcg ] && grep -qw tsc_known_freq /proc/cpuinfo && grep -qw constant_tsc /proc/cpuinfo; then
	khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
	[ -n "$khz" ] && clock="tsc_early_khz=$khz tsc=reliable clocksource=tsc"
fi
case $accel in
kvm) accel_args=(-accel kvm -cpu host); label=KVM ;;
tcg) accel_args=(-accel tcg -cpu max); label="TCG (emulated)" ;;
*) echo "test.sh: SYSCHAIN_ACCEL must be kvm or tcg, not $accel" >&2; exit 2 ;;
esac
echo "test.sh: booting $img/bzImage under $label"

log=$work/console.log
set +e
timeout "$timeout_s" qemu-system-x86_64 "${accel_args[@]}" -m $mem -smp 1 \
	-kernel "$img/bzImage" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=5 $clock syschain.accel=$accel $variant_args ${SYSCHAIN_APPEND:-}" \
	-nographic -no-reboot -monitor none -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

fail=0
if [ "$rc" = 124 ]; then
	echo "test.sh: FAIL: the guest did not finish within ${timeout_s}s (QEMU_TIMEOUT)"
	fail=1
elif [ "$rc" != 1 ]; then
	# isa-debug-exit exits with (byte<<1)|1: the guest writes 0 for PASS.
	echo "test.sh: FAIL: QEMU exited with $rc (guest verdict byte $(( (rc - 1) / 2 )); 1 = tests failed, other = no verdict)"
	fail=1
fi
# The sanitizers report as BUG: (KASAN, KFENCE, sleeping function called
# from invalid context), WARNING: (lockdep), UBSAN: and kmemleak's
# "suspected memory leaks"; lockdep and RCU have their own headlines.
if grep -nE 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|UBSAN:|suspected memory leak|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage' "$log"; then
	echo "test.sh: FAIL: the kernel log shows the lines above"
	fail=1
fi
if ! grep -q '^VERDICT: PASS' "$log"; then
	echo "test.sh: FAIL: no 'VERDICT: PASS' line from the guest"
	fail=1
fi
[ $fail = 0 ] && echo "test.sh: PASS ($label)"
exit $fail
