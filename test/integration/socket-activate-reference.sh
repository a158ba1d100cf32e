#!/bin/bash
# What a socket-activated service is handed under weft, diffed against what
# the reference sender systemd-socket-activate (systemd 252) hands it for
# the same socket (issue 4, SYSTEMD-SUBSET §2.9 and §3.1).
# test/tools/fd_dump.c (built here, libc only) records LISTEN_FDS,
# LISTEN_FDNAMES, whether LISTEN_PID is its own pid, REMOTE_ADDR/REMOTE_PORT,
# and every fd it was started with: socket family, type, listening state,
# close-on-exec, O_NONBLOCK, local and peer address. Cases:
#   unix      -l PATH                          ListenStream=PATH
#   tcp       -l 127.0.0.1:PORT                ListenStream=127.0.0.1:PORT
#   fdname    -l PATH -l 127.0.0.1:PORT --fdname=myname:myname
#                                              both, FileDescriptorName=myname
#   dgram     -d -l PATH                       ListenDatagram=PATH
#   seqpacket --seqpacket -l PATH              ListenSequentialPacket=PATH
#   accept    -a --fdname=connection -l 127.0.0.1:PORT
#                                              Accept=yes, accept@.service
#   inetd     --inetd -a -l 127.0.0.1:PORT     Accept=yes, StandardInput=socket
# Each case runs under systemd-socket-activate (time-bounded, on the host's
# loopback), then all of them under one weft booted as PID 1 of a private
# PID namespace, where driver.service makes the same connections. Paths and
# ports are normalised; then the weft record must equal the reference record
# plus the documented differences listed in explain() below, each printed as
# a NOTE with its reason. Anything else is a FAIL. weft runs fenced
# (test/lib/weft.sh). Needs systemd-socket-activate, socat and cc; exits 0
# with a message when one is missing. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init socket-activate-reference
wt_need systemd-socket-activate socat cc
SSA_PIDS=""
trap 'for p in $SSA_PIDS; do kill "$p" 2>/dev/null; done; wt_cleanup' EXIT
trap 'exit 130' INT TERM

DUMP=$TMP/fd_dump
if ! timeout 60 cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -o "$DUMP" test/tools/fd_dump.c >"$TMP/cc.out" 2>&1; then
        wt_fail "cannot build test/tools/fd_dump.c: $(cat "$TMP/cc.out")"
        wt_finish ""
fi

# TCP ports on 127.0.0.1 that nothing uses right now (/proc/net/tcp{,6}
# list local ports in hex); every port is handed out once per run.
USED_PORTS=" "
free_port() {
        local p hex i
        for i in $(seq 100); do
                p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
                case $USED_PORTS in *" $p "*) continue ;; esac
                hex=$(printf ':%04X ' $p)
                grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
                USED_PORTS="$USED_PORTS$p "
                echo $p
                return 0
        done
        return 1
}

CASES="unix tcp fdname dgram seqpacket accept inetd"
declare -A PORT
for side in ssa weft; do
        for c in tcp fdname accept inetd; do
                PORT[$side-$c]=$(free_port) || { wt_fail "no free TCP port"; wt_finish ""; }
        done
        mkdir -p "$TMP/$side/sock" "$TMP/$side/out"
done

# trigger SIDE CASE: the client that activates CASE's socket; its answer
# goes to $TMP/SIDE/out/CASE.reply ("dumped" from a stream service).
trigger() {
        local side=$1 c=$2 s=$TMP/$1/sock reply=$TMP/$1/out/$2.reply
        case $c in
        unix)      echo hi | timeout 10 socat -t 5 - "UNIX-CONNECT:$s/unix.sock" ;;
        fdname)    echo hi | timeout 10 socat -t 5 - "UNIX-CONNECT:$s/fdname.sock" ;;
        tcp|accept|inetd) echo hi | timeout 10 socat -t 5 - "TCP:127.0.0.1:${PORT[$side-$c]}" ;;
        dgram)     echo hi | timeout 10 socat -u - "UNIX-SENDTO:$s/dgram.sock" ;;
        seqpacket) echo hi | timeout 10 socat -t 5 - "UNIX-CONNECT:$s/seqpacket.sock,type=5" ;;
        esac >"$reply" 2>"$reply.err"
}

# ---- the reference: systemd-socket-activate, one case at a time ------------
ssa_args() { # CASE: the listen options
        local s=$TMP/ssa/sock
        case $1 in
        unix)      echo "-l $s/unix.sock" ;;
        tcp)       echo "-l 127.0.0.1:${PORT[ssa-tcp]}" ;;
        fdname)    echo "-l $s/fdname.sock -l 127.0.0.1:${PORT[ssa-fdname]} --fdname=myname:myname" ;;
        dgram)     echo "-d -l $s/dgram.sock" ;;
        seqpacket) echo "--seqpacket -l $s/seqpacket.sock" ;;
        accept)    echo "-a --fdname=connection -l 127.0.0.1:${PORT[ssa-accept]}" ;;
        inetd)     echo "--inetd -a -l 127.0.0.1:${PORT[ssa-inetd]}" ;;
        esac
}

for c in $CASES; do
        out=$TMP/ssa/out/$c
        # shellcheck disable=SC2046
        timeout -k 2 15 systemd-socket-activate $(ssa_args $c) "$DUMP" "$out" \
                </dev/null >"$TMP/ssa/out/$c.log" 2>&1 &
        pid=$!
        SSA_PIDS="$SSA_PIDS $pid"
        # Wait until it listens: its log says "Listening on ... as N."
        for _ in $(seq 100); do
                grep -q '^Listening on' "$TMP/ssa/out/$c.log" 2>/dev/null && break
                sleep 0.05
        done
        sleep 0.1   # the fdname case has two lines to write
        trigger ssa $c
        for _ in $(seq 100); do [ -e "$out" ] && break; sleep 0.05; done
        # Accept=no: the dumper is systemd-socket-activate's own exec and exits
        # by itself; -a: the sender keeps listening, so it is stopped here.
        case $c in
        accept|inetd) sleep 0.2 ;;
        *) for _ in $(seq 40); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done ;;
        esac
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
        [ -e "$out" ] || wt_fail "systemd-socket-activate $(ssa_args $c): the dumper left no record ($(tr '\n' '|' <"$TMP/ssa/out/$c.log"))"
done

# ---- weft: the same sockets as .socket units ---------------------------------
S=$TMP/weft/sock O=$TMP/weft/out
socket_unit() { # CASE [SOCKET LINES...]
        local c=$1; shift
        { printf '[Unit]\nDefaultDependencies=no\n[Socket]\n'; printf '%s\n' "$@"; } >"$U/$c.socket"
}
service_unit() { # NAME OUT [SERVICE LINES...]
        local n=$1 o=$2; shift 2
        { printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=%s %s\n' "$DUMP" "$o"; printf '%s\n' "$@"; } >"$U/$n"
}
socket_unit unix "ListenStream=$S/unix.sock"
socket_unit tcp "ListenStream=127.0.0.1:${PORT[weft-tcp]}"
socket_unit fdname "ListenStream=$S/fdname.sock" "ListenStream=127.0.0.1:${PORT[weft-fdname]}" "FileDescriptorName=myname"
socket_unit dgram "ListenDatagram=$S/dgram.sock"
socket_unit seqpacket "ListenSequentialPacket=$S/seqpacket.sock"
socket_unit accept "ListenStream=127.0.0.1:${PORT[weft-accept]}" "Accept=yes"
socket_unit inetd "ListenStream=127.0.0.1:${PORT[weft-inetd]}" "Accept=yes"
for c in unix tcp fdname dgram seqpacket; do service_unit $c.service "$O/$c"; done
service_unit accept@.service "$O/accept"
service_unit inetd@.service "$O/inetd" "StandardInput=socket"

cat >"$TMP/driver.sh" <<EOF
$(declare -p PORT)
TMP=$TMP
CASES="$CASES"
$(declare -f trigger)
for c in \$CASES; do
        trigger weft \$c
        for _ in \$(seq 100); do [ -e "$O/\$c" ] && break; sleep 0.05; done
done
sleep 0.3
exec /bin/kill -TERM 1
EOF
wt_unit test.target <<EOF
[Unit]
DefaultDependencies=no
Wants=unix.socket tcp.socket fdname.socket dgram.socket seqpacket.socket accept.socket inetd.socket driver.service
EOF
wt_unit driver.service <<EOF
[Unit]
DefaultDependencies=no
After=unix.socket tcp.socket fdname.socket dgram.socket seqpacket.socket accept.socket inetd.socket
[Service]
ExecStart=/bin/bash $TMP/driver.sh
EOF

wt_run 60 --target test.target --log-level debug
wt_assert_exit 0

# ---- compare ------------------------------------------------------------------
# normalise SIDE CASE: socket dir -> SOCKDIR, the case's port -> PORT, a
# peer's ephemeral port -> PEERPORT.
normalise() {
        local side=$1 c=$2 p=${PORT[$1-$2]:-none}
        sed -e "s|$TMP/$side/sock|SOCKDIR|g" -e "s/:$p\\b/:PORT/g" \
            -e 's/peer=\(127\.0\.0\.1\|\[::1\]\):[0-9]*/peer=\1:PEERPORT/' "$TMP/$side/out/$c"
}
# explain CASE: writes $TMP/CASE.sed, the documented differences between
# systemd-socket-activate and a .socket unit under a service manager, to be
# applied to the reference record; each reason is printed once as a NOTE.
declare -A NOTED
note() { [ -n "${NOTED[$1]:-}" ] || echo "$WT_NAME: NOTE: $1"; NOTED[$1]=1; }
explain() {
        local c=$1
        : >"$TMP/$c.sed"
        case $c in
        unix|tcp|dgram|seqpacket)
                note "without --fdname systemd-socket-activate sets no LISTEN_FDNAMES; a .socket unit's default FileDescriptorName= is its full name (systemd.socket(5), SUBSET §2.8)"
                echo "s/^env LISTEN_FDNAMES=unset\$/env LISTEN_FDNAMES=$c.socket/" >>"$TMP/$c.sed" ;;
        esac
        case $c in
        accept|inetd)
                note "systemd-socket-activate 252 sets no REMOTE_ADDR/REMOTE_PORT with -a; systemd does for Accept=yes on IP sockets (systemd.socket(5), SUBSET §2.8)"
                echo 's/^env REMOTE_ADDR=unset$/env REMOTE_ADDR=127.0.0.1/; s/^env REMOTE_PORT=unset$/env REMOTE_PORT=set/' >>"$TMP/$c.sed" ;;
        esac
        case $c in
        inetd)
                # StandardOutput= defaults to inherit (the socket) with
                # StandardInput=socket, StandardError= to inherit (stdout).
                note "inetd: systemd-socket-activate --inetd keeps its own stderr; under a service manager StandardError=inherit makes fd 2 the connection too (systemd.exec(5))"
                printf '%s\n' '/^fd=1 socket/{p;s/^fd=1/fd=2/;n;d}' >>"$TMP/$c.sed" ;;
        esac
        # Not explained, on purpose: O_NONBLOCK. systemd-socket-activate hands
        # blocking fds, and so does systemd (execute.c flags_fds() clears
        # O_NONBLOCK on socket fds unless NonBlocking=yes).
}

for c in $CASES; do
        ref=$TMP/ssa/out/$c got=$TMP/weft/out/$c
        if [ ! -e "$got" ]; then wt_fail "$c: weft's service left no record (not activated?)"; continue; fi
        [ -e "$ref" ] || continue
        normalise ssa $c >"$TMP/$c.ref"
        normalise weft $c >"$TMP/$c.weft"
        explain $c
        sed -f "$TMP/$c.sed" "$TMP/$c.ref" >"$TMP/$c.want"
        if ! diff -u --label "$c: systemd-socket-activate + documented differences" "$TMP/$c.want" \
                --label "$c: weft" "$TMP/$c.weft" >"$TMP/$c.diff"; then
                wt_fail "$c: weft hands the service something else than the reference:"
                cat "$TMP/$c.diff"
        fi
        for side in ssa weft; do
                case $c in dgram) continue ;; esac
                grep -qx dumped "$TMP/$side/out/$c.reply" ||
                        wt_fail "$c ($side): the client got '$(tr '\n' '|' <"$TMP/$side/out/$c.reply")', want 'dumped'"
        done
done

wt_finish "weft matches systemd-socket-activate for $(echo $CASES | wc -w) socket kinds (LISTEN_*, fds 0..N, type/family/listening/cloexec/nonblock/addresses)"
