#!/bin/bash
# weftctl verify against systemd-analyze verify, fixture by fixture
# (test/fixtures/verify/): the exit status must agree, and so must the set
# of file:line places each one complains about. Skips when the oracle is
# absent. Runs from the repo root; time-bounded; writes only to a temp dir.
# (.path fixtures: a missing Unit= is refused at start, not by verify, in both.)
set -u
BUILD=${BUILD:-build}
ctl="$PWD/$BUILD/weftctl"
fixtures="$PWD/test/fixtures/verify"
if ! command -v systemd-analyze >/dev/null; then
        echo "verify-oracle: systemd-analyze not installed, skipping"
        exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$fixtures/." "$tmp/"
cd "$tmp" || exit 1
# A line just over systemd's 1 MiB limit, made here rather than kept in git.
{ printf '[Unit]\nDefaultDependencies=no\nDescription='; head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' x
  printf '\n[Service]\nExecStart=/bin/true\n'; } >long-line.service

places() { grep -oE '^/[^:]+:[0-9]+:' | sort -u; }

# Where weft says more than systemd on purpose: the fixture and why.
declare -A extra_ok=(
        # systemd reports "Line too long" without a line number; weft names the line.
        [long-line.service]=1
)

fail=0 n=0
for f in *.service *.socket *.target *.path; do
        n=$((n + 1))
        timeout 20 systemd-analyze verify --man=no "./$f" >/dev/null 2>sd.err
        sd_rc=$?
        timeout 20 "$ctl" verify "./$f" >/dev/null 2>weft.err
        weft_rc=$?
        if [ "$sd_rc" != "$weft_rc" ]; then
                echo "FAIL $f: systemd-analyze exit $sd_rc, weftctl exit $weft_rc"
                sed 's/^/  systemd: /' sd.err | head -5
                sed 's/^/  weft:    /' weft.err | head -5
                fail=$((fail + 1))
                continue
        fi
        if [ -n "${extra_ok[$f]:-}" ]; then
                # Only what systemd reports must be there too.
                missing=$(comm -23 <(places <sd.err) <(places <weft.err))
                if [ -n "$missing" ]; then
                        echo "FAIL $f: weft does not report $missing"
                        fail=$((fail + 1))
                        continue
                fi
        elif ! diff <(places <sd.err) <(places <weft.err) >/dev/null; then
                echo "FAIL $f: different places reported"
                diff <(places <sd.err) <(places <weft.err) | sed 's/^/  /'
                fail=$((fail + 1))
                continue
        fi
        echo "ok   $f (exit $weft_rc)"
done
echo "verify-oracle: $((n - fail)) of $n fixtures agree with systemd-analyze verify"
[ "$fail" -eq 0 ]
