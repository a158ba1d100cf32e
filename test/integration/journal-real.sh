#!/bin/bash
# `journalctl -u UNIT` shows a unit's StandardOutput=journal output when the
# real systemd-journald runs under weft (issue 13 item 4). Everything stays
# inside the fence: journald is a weft unit behind a socket unit on
# /run/systemd/journal/stdout (the fence's fresh /run, so the runtime
# journal is /run/log/journal there), in a network namespace of its own (no
# audit netlink), and its ExecStartPre= (in weft's private mount
# namespace) puts /dev/null over /dev/kmsg and a tmpfs over
# /var/log/journal, so it neither reads nor writes the host's kernel log or
# journal. Checks, with journalctl --directory on that journal:
#  - `-u hello.service` shows the service's stdout and stderr lines
#    (journald took the unit id from weft's stream header);
#  - `-t hello-id` finds them under SyslogIdentifier=, with
#    PRIORITY=5 from SyslogLevel=notice;
#  - a second service's lines, written after hello's, are credited to
#    that service, not to hello: weft connects every stream, but journald
#    takes the sender of each line (SCM_CREDENTIALS), so the lines carry
#    the service's _PID and the unit from its own stream's header.
# Skips where systemd-journald or journalctl is missing. KEEP=1 keeps the
# temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init journal-real
JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || { echo "$WT_NAME: $JOURNALD not found, skipping"; exit 0; }
wt_need journalctl nsenter mount
WT_UNSHARE=--net

wt_unit jd.socket <<'EOF'
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=/run/systemd/journal/stdout
EOF
wt_unit jd.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=notify
Sockets=jd.socket
StandardOutput=null
Environment=SYSTEMD_LOG_TARGET=console
ExecStartPre=/bin/mount --bind /dev/null /dev/kmsg
ExecStartPre=/bin/mount -t tmpfs -o mode=0755 tmpfs /var/log/journal
ExecStart=$JOURNALD
EOF
wt_unit t.target <<'EOF'
[Unit]
Wants=jd.service hello.service second.service
EOF
wt_unit hello.service <<'EOF'
[Unit]
DefaultDependencies=no
Requires=jd.socket
After=jd.service
[Service]
Type=oneshot
RemainAfterExit=yes
StandardOutput=journal
SyslogIdentifier=hello-id
SyslogLevel=notice
ExecStart=/bin/sh -c 'echo weft-journal-out; echo weft-journal-err >&2'
EOF

wt_unit second.service <<'EOF'
[Unit]
DefaultDependencies=no
Requires=jd.socket
After=jd.service hello.service
[Service]
Type=oneshot
RemainAfterExit=yes
StandardOutput=journal
ExecStart=/bin/sh -c 'echo weft-second-out; echo weft-second-err >&2'
EOF

wt_start --target t.target || wt_finish "could not start"
wt_wait_state jd.service active 20
wt_wait_state hello.service active 20
jctl() { wt_ns timeout 10 journalctl --directory=/run/log/journal --no-pager "$@" 2>&1; }
has_lines() { [ "$(jctl -u hello.service -o cat | grep -c '^weft-journal-')" = 2 ]; }
wt_until $((10 * ${WT_TIME_SCALE:-1})) has_lines ||
        wt_fail "journalctl -u hello.service shows [$(jctl -u hello.service -o cat | tr '\n' '|')]"
got=$(jctl -t hello-id -o export | grep -E '^(_SYSTEMD_UNIT|PRIORITY|MESSAGE)=' | sort -u | tr '\n' '|')
want='MESSAGE=weft-journal-err|MESSAGE=weft-journal-out|PRIORITY=5|_SYSTEMD_UNIT=hello.service|'
[ "$got" = "$want" ] || wt_fail "journalctl -t hello-id: got [$got], want [$want]"
second_lines() { [ "$(jctl -u second.service -o cat | grep -c '^weft-second-')" = 2 ]; }
wt_until $((10 * ${WT_TIME_SCALE:-1})) second_lines ||
        wt_fail "journalctl -u second.service shows [$(jctl -u second.service -o cat | tr '\n' '|')]"
got=$(jctl -u hello.service -o cat | grep -c '^weft-second-')
[ "$got" = 0 ] || wt_fail "journalctl -u hello.service shows second.service's lines"
wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "journalctl -u shows the unit's output through the real systemd-journald"
