#!/bin/bash
# TTYPath=, StandardInput=tty*, TTYReset= and TTYVHangup= (issue 13 item 4,
# what getty@.service and serial-getty@.service need), on a pseudo-terminal
# held from outside the fence (test/tools/pty_holder.py):
#  - StandardInput=tty + StandardOutput=tty: the service's stdin is TTYPath=
#    (`tty` names it), and it is its controlling terminal (/dev/tty opens,
#    /proc/PID/stat has a tty_nr); its output reaches the master;
#  - TTYReset=yes undoes the holder's -echo -icanon before the service runs;
#  - TTYVHangup=yes hung up the holder's own fd on the terminal;
#  - StandardInput=tty-fail while that service's session holds the terminal
#    fails at step STDIN (exit status 208);
#  - StandardInput=tty-force takes it anyway.
# KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init tty-path
wt_need python3 nsenter stty tty
PY=$(command -v python3)
case $PY in */shims/*) PY=$(pyenv which python3 2>/dev/null || echo /usr/bin/python3) ;; esac
H=$TMP/holder
mkdir -p "$H"
timeout 70 "$PY" "$WT_ROOT/test/tools/pty_holder.py" "$H" &
HOLDER=$!
trap 'kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; wt_cleanup' EXIT
wt_until 10 test -s "$H/name" || { wt_fail "no pseudo-terminal"; wt_finish "no pty"; }
PTS=$(cat "$H/name")

cat >"$TMP/probe.sh" <<'EOF'
#!/bin/sh
# probe.sh OUT: what this process's terminal is, then stay.
out=$1
tty >"$out.tty"
stty -a >"$out.stty"
if (: </dev/tty) 2>/dev/null; then echo yes >"$out.ctty"; else echo no >"$out.ctty"; fi
cut -d' ' -f7 /proc/$$/stat >"$out.nr"
echo "hello from $out"
touch "$out.done"
exec sleep 1000
EOF
chmod +x "$TMP/probe.sh"

wt_unit t.target <<'EOF'
[Unit]
Wants=ctty.service
EOF
wt_unit ctty.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
StandardInput=tty
StandardOutput=tty
TTYPath=$PTS
TTYReset=yes
TTYVHangup=yes
ExecStart=$TMP/probe.sh $TMP/ctty
EOF
wt_unit fail.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
StandardInput=tty-fail
TTYPath=$PTS
ExecStart=$TMP/probe.sh $TMP/fail
EOF
wt_unit force.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
StandardInput=tty-force
StandardOutput=tty
TTYPath=$PTS
ExecStart=$TMP/probe.sh $TMP/force
EOF

wt_start --target t.target || wt_finish "could not start"
wt_until $((10 * ${WT_TIME_SCALE:-1})) test -e "$TMP/ctty.done" || wt_fail "ctty.service did not run its probe"
[ "$(cat "$TMP/ctty.tty" 2>/dev/null)" = "$PTS" ] || wt_fail "ctty.service's stdin is $(cat "$TMP/ctty.tty" 2>/dev/null), want $PTS"
[ "$(cat "$TMP/ctty.ctty" 2>/dev/null)" = yes ] || wt_fail "ctty.service has no controlling terminal (/dev/tty did not open)"
nr=$(cat "$TMP/ctty.nr" 2>/dev/null)
[ -n "$nr" ] && [ "$nr" != 0 ] || wt_fail "ctty.service's tty_nr is '${nr}'"
grep -qw icanon "$TMP/ctty.stty" && ! grep -qw -- -icanon "$TMP/ctty.stty" && grep -qw echo "$TMP/ctty.stty" ||
        wt_fail "TTYReset=yes left: $(grep -oE -- '-?(icanon|echo) ' "$TMP/ctty.stty" | tr '\n' ' ')"
wt_until 5 grep -q "hello from $TMP/ctty" "$H/master" || wt_fail "ctty.service's output did not reach the terminal"
touch "$H/check"
wt_until 5 test -s "$H/holder" || wt_fail "the pty holder did not answer"
[ "$(cat "$H/holder" 2>/dev/null)" = hungup ] || wt_fail "TTYVHangup=yes: the holder's fd is $(cat "$H/holder" 2>/dev/null)"

# ctty.service's session holds the terminal now.
wt_ctl start fail.service >/dev/null 2>&1
wt_wait_state fail.service failed 10
grep -q "fail.service: Failed at step STDIN spawning" "$WT_LOG" || wt_fail "tty-fail: no 'Failed at step STDIN' line"
[ -e "$TMP/fail.done" ] && wt_fail "tty-fail ran its probe"
wt_ctl start force.service >/dev/null 2>&1
wt_until $((10 * ${WT_TIME_SCALE:-1})) test -e "$TMP/force.done" || wt_fail "tty-force did not run its probe"
[ "$(cat "$TMP/force.ctty" 2>/dev/null)" = yes ] || wt_fail "tty-force: no controlling terminal"
wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "controlling terminal, reset, hang-up, tty-fail and tty-force hold"
