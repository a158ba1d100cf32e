#!/bin/bash
# StandardOutput=journal / StandardError=journal into systemd-journald's
# stdout stream socket (issue 13 item 4), against a fake journald
# (test/tools/fake_journald.py) socket-activated on
# /run/systemd/journal/stdout in the fence's fresh /run:
#  - a stream starts with journald's seven header lines: SyslogIdentifier=
#    (else the program's name), the unit's id, SyslogFacility=|SyslogLevel=
#    as one number, SyslogLevelPrefix=, 0, kmsg, console; then the lines;
#  - stderr that inherits (or equals) stdout shares its stream; a different
#    StandardError= (journal vs journal+console) gets a stream of its own;
#  - the peer is root (journald trusts the unit id line only from root),
#    and $JOURNAL_STREAM names the stream's device and inode;
#  - the default StandardOutput= goes to the journal too, named after the
#    program;
#  - without the socket (a second run), the output lands in weft's per-unit
#    log file as before.
# KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init journal-stream
wt_need python3 nsenter stat
PY=$(command -v python3)
case $PY in */shims/*) PY=$(pyenv which python3 2>/dev/null || echo /usr/bin/python3) ;; esac
JD=$TMP/jd

wt_unit fake-journald.socket <<'EOF'
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=/run/systemd/journal/stdout
EOF
wt_unit fake-journald.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=$PY $WT_ROOT/test/tools/fake_journald.py $JD
EOF
# journal_client NAME <<EOF: a oneshot that needs the fake journald: this
# head, then the rest of its [Service] section from stdin.
journal_client() {
        { printf '%s\n' '[Unit]' DefaultDependencies=no Requires=fake-journald.socket \
                After=fake-journald.socket '[Service]' Type=oneshot RemainAfterExit=yes; cat; } | wt_unit "$1"
}
wt_unit t.target <<'EOF'
[Unit]
Wants=hello.service split.service plain.service
EOF
journal_client hello.service <<EOF
StandardOutput=journal
SyslogIdentifier=hello-id
SyslogLevel=notice
SyslogFacility=local3
SyslogLevelPrefix=no
ExecStart=/bin/sh -c 'echo out-line; echo err-line >&2; echo "\$\$JOURNAL_STREAM" >$TMP/hello.env; stat -L -c %%d:%%i /proc/self/fd/2 >>$TMP/hello.env'
EOF
journal_client split.service <<EOF
StandardOutput=journal+console
StandardError=journal
ExecStart=/bin/sh -c 'echo split-out; echo split-err >&2'
EOF
journal_client plain.service <<EOF
ExecStart=/bin/echo plain-line
EOF

wt_start --target t.target || wt_finish "could not start"
for u in hello split plain; do wt_wait_state "$u.service" active 20; done
# Each stream is written out when the service closes it.
streams() { ls "$JD" 2>/dev/null | grep -c '^stream\.[0-9]*$'; }
four_streams() { [ "$(streams)" -ge 4 ]; }
wt_until $((10 * ${WT_TIME_SCALE:-1})) four_streams || wt_fail "fake journald got $(streams) streams, want 4"

# stream_for ID: the file whose first header line (after peer-uid) is ID.
stream_for() {
        local f
        for f in "$JD"/stream.*; do
                [ -e "$f" ] || continue
                [ "$(sed -n 2p "$f")" = "$1" ] && { echo "$f"; return 0; }
        done
        return 1
}
# expect FILE "LINE..." : the whole file, header included.
expect() {
        local want got
        want=$(printf '%s\n' "${@:2}")
        got=$(cat "$1" 2>/dev/null)
        [ "$got" = "$want" ] || wt_fail "$(basename "$1"): got [$(echo "$got" | tr '\n' '|')], want [$(echo "$want" | tr '\n' '|')]"
}

f=$(stream_for hello-id) || wt_fail "no stream with identifier hello-id"
# local3 (19) << 3 | notice (5) = 157; both lines through one stream.
[ -n "$f" ] && expect "$f" "peer-uid 0" hello-id hello.service 157 0 0 0 0 out-line err-line
# $JOURNAL_STREAM is the stream stdout and stderr are.
if [ -s "$TMP/hello.env" ]; then
        js=$(sed -n 1p "$TMP/hello.env")
        fd1=$(sed -n 2p "$TMP/hello.env")
        # stat %d is decimal st_dev, as journald writes it.
        [ -n "$js" ] && [ "$js" = "$fd1" ] || wt_fail "JOURNAL_STREAM=$js but stdout is $fd1"
else
        wt_fail "hello.service did not record its environment"
fi

# journal+console for stdout, journal for stderr: two streams, 30 = daemon.info.
n=0
for f in "$JD"/stream.*; do
        [ -e "$f" ] || continue
        [ "$(sed -n 2p "$f")" = sh ] || continue
        case $(sed -n 9p "$f") in
        split-out) expect "$f" "peer-uid 0" sh split.service 30 1 0 0 1 split-out; n=$((n + 1)) ;;
        split-err) expect "$f" "peer-uid 0" sh split.service 30 1 0 0 0 split-err; n=$((n + 1)) ;;
        esac
done
[ "$n" = 2 ] || wt_fail "split.service: $n of its 2 streams found"

f=$(stream_for echo) || wt_fail "no stream named after /bin/echo"
[ -n "$f" ] && expect "$f" "peer-uid 0" echo plain.service 30 1 0 0 0 plain-line
[ -s "$RUN/log/hello.service.log" ] && wt_fail "hello.service also wrote weft's log: $(cat "$RUN/log/hello.service.log")"
wt_assert_answers
wt_stop
wt_assert_exit 0

# Second run: no journald socket, so weft's log file, as before.
rm -f "$U"/fake-journald.* "$RUN/log/hello.service.log"
sed -i '/fake-journald/d' "$U/hello.service" "$U/split.service" "$U/plain.service"
wt_start --target t.target || wt_finish "could not start again"
for u in hello split plain; do wt_wait_state "$u.service" active 20; done
got=$(cat "$RUN/log/hello.service.log" 2>/dev/null | tr '\n' '|')
[ "$got" = "out-line|err-line|" ] || wt_fail "without journald, hello.service's log holds [$got]"
grep -qx plain-line "$RUN/log/plain.service.log" 2>/dev/null || wt_fail "without journald, plain.service's log lacks its line"
[ -s "$TMP/hello.env" ] && [ -n "$(sed -n 1p "$TMP/hello.env")" ] &&
        wt_fail "JOURNAL_STREAM set without a journal stream: $(sed -n 1p "$TMP/hello.env")"
wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "header, shared and split streams, JOURNAL_STREAM and the log-file fallback hold"
