#!/bin/bash
# Control abuse: garbage lines, an oversized line, 300 slowloris clients,
# 256 held connections (re-opened as fast as weft drops them), and the same
# from a peer that is not root. During each, root's weftctl still answers
# within 1 s, and weft logs a bounded number of lines about it (B8).
. "$(dirname "$0")/../lib/weft.sh"
wt_init control-abuse
PY=$(command -v /usr/bin/python3 || command -v python3) || { echo "$WT_NAME: python3 not installed, skipping"; exit 0; }
CLIENTS=$WT_ROOT/test/tools/ctl_clients.py

wt_unit t.target <<EOF
[Unit]
Wants=a.service
EOF
wt_unit a.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 1000
EOF
wt_start --target t.target || wt_finish "weft did not start"
wt_wait_state a.service active
sock=$RUN/control

# control_lines: how many lines weft logged about control clients so far.
control_lines() { grep -c '^control:' "$TMP/weft.log"; }

# during NAME: while the clients run, root's weftctl answers within 1 s, five times.
during() {
        local i
        for i in 1 2 3 4 5; do
                wt_assert_answers || { wt_fail "($1, check $i)"; return; }
                sleep 0.5
        done
}

# bounded NAME BEFORE MAX: at most MAX new control lines since BEFORE.
bounded() {
        local n=$(($(control_lines) - $2))
        [ "$n" -le "$3" ] || wt_fail "$1: weft logged $n lines about it (at most $3 expected)"
}

# Garbage: 2,000 malformed lines on 2,000 connections, as fast as they go.
before=$(control_lines)
timeout 20 "$PY" - "$sock" <<'EOF' &
import socket, sys
for i in range(2000):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sys.argv[1]); s.sendall(b"\x01garbage %d {[\n" % i); s.recv(100)
    except OSError:
        pass
    s.close()
EOF
garbage=$!
during garbage
wait "$garbage"
bounded garbage "$before" 20

# An oversized line (2 MiB, no newline) is refused; the next client is served.
before=$(control_lines)
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' x | timeout 10 socat -t 5 - "UNIX-CONNECT:$sock" >/dev/null 2>&1
wt_assert_answers
bounded oversized "$before" 5

# 300 slowloris clients for 7 s (each sends a byte every 0.5 s, never a newline).
before=$(control_lines)
timeout 20 "$PY" "$CLIENTS" "$sock" slowloris 300 7 >"$TMP/slow.out" &
slow=$!
for _ in $(seq 100); do [ -s "$TMP/slow.out" ] && break; sleep 0.05; done
during slowloris
wait "$slow"
bounded slowloris "$before" 20

# 256 held connections, each re-opened as soon as weft drops it.
before=$(control_lines)
timeout 20 "$PY" "$CLIENTS" "$sock" churn 256 7 >"$TMP/held.out" &
held=$!
for _ in $(seq 100); do [ -s "$TMP/held.out" ] && break; sleep 0.05; done
during held
wait "$held"
bounded held "$before" 20

# A peer that is not root. The socket is root's (0600); an operator may
# open it up, and then another user's clients must not push root out.
if command -v setpriv >/dev/null; then
        chmod 0666 "$sock"
        reply=$(printf '{"version":1,"verb":"stop","units":["a.service"]}\n' |
                timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups socat -t 5 - "UNIX-CONNECT:$sock" 2>&1)
        case $reply in *'"code":0'*) wt_fail "a non-root peer stopped a.service: $reply" ;; esac
        before=$(control_lines)
        timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$CLIENTS" "$sock" churn 300 7 \
                >"$TMP/nobody.out" &
        nobody=$!
        for _ in $(seq 100); do [ -s "$TMP/nobody.out" ] && break; sleep 0.05; done
        grep -q '^ready [1-9]' "$TMP/nobody.out" || wt_fail "the non-root clients could not connect: $(cat "$TMP/nobody.out")"
        during non-root
        wait "$nobody"
        bounded non-root "$before" 20
        chmod 0600 "$sock"
fi

[ "$(wt_ctl is-active a.service)" = active ] || wt_fail "a.service is $(wt_ctl is-active a.service), not active"
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_finish "garbage, an oversized line, 300 slowloris, 256 held slots and a non-root flood: weftctl answered throughout, log bounded"
