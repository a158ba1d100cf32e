#!/bin/bash
# LoadCredential= and SetCredential= (systemd.exec(5) "Credentials", issue
# 13: Debian's systemd-sysctl, -sysusers, -tmpfiles-setup(-dev) use them):
# - while the unit runs, /run/credentials/UNIT is a read-only ramfs that
#   weft's kernel-table mount unit run-credentials-UNIT.mount shows active;
#   directory 0500, files 0400, owned by User=; $CREDENTIALS_DIRECTORY;
# - LoadCredential= of a file, of a directory (ID_NAME, ID_SUB_NAME, symlinks
#   skipped), of a system credential (/run/credentials/@system/NAME);
#   SetCredential= (C escapes) only where nothing was loaded;
# - a missing system credential is skipped (the mount is made even when
#   empty, as in 252), a missing absolute source fails
#   the unit with 243 CREDENTIALS unless SetCredential= is its fallback;
# - at stop the mount and the directory are gone.
. "$(dirname "$0")/../lib/weft.sh"
wt_init credentials
wt_need nsenter stat

SRC=$TMP/src
mkdir -p "$SRC/dir/sub"
printf 'from-file' >"$SRC/file"
printf 'a' >"$SRC/dir/a"
printf 'b' >"$SRC/dir/sub/b"
ln -s ../file "$SRC/dir/link"

wt_unit t.target <<EOF
[Unit]
Wants=cred.service
EOF
wt_unit cred.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
User=nobody
LoadCredential=file:$SRC/file
LoadCredential=dir:$SRC/dir
LoadCredential=gone:$SRC/missing
LoadCredential=nosys
SetCredential=gone:fall\\x62ack\\n
SetCredential=file:not-used
ExecStartPre=+/bin/sh -c 'echo "\$\$CREDENTIALS_DIRECTORY" >/run/cred-env'
ExecStartPre=/bin/sh -c 'cat "\$\$CREDENTIALS_DIRECTORY/file" >/dev/null'
ExecStart=/bin/sleep 1000
EOF
wt_unit sys.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
LoadCredential=syscred
LoadCredential=alias:syscred
ExecStart=/bin/true
EOF
wt_unit missing.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
LoadCredential=x:$SRC/none
ExecStart=/bin/true
EOF
wt_unit empty.service <<'EOF'
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
LoadCredential=nosuch
ExecStart=/bin/sh -c 'echo "$$CREDENTIALS_DIRECTORY" >/run/empty-env'
EOF

D=/run/credentials/cred.service
wt_start --target t.target
wt_wait_state cred.service active
wt_assert_answers

wt_ctl list-units 2>/dev/null | grep -q 'run-credentials-cred\.service\.mount.*loaded *active *mounted' ||
        wt_fail "run-credentials-cred.service.mount is not listed active while the unit runs: $(wt_ctl list-units 2>&1 | grep -i cred)"
[ "$(wt_ns cat /run/cred-env 2>/dev/null)" = "$D" ] ||
        wt_fail "\$CREDENTIALS_DIRECTORY was '$(wt_ns cat /run/cred-env 2>&1)', want $D"
got=$(wt_ns stat -c '%n %a %U' "$D" "$D/file" 2>&1 | tr '\n' ' ')
[ "$got" = "$D 500 nobody $D/file 400 nobody " ] || wt_fail "modes and owners: got '$got', want 500/400 nobody"
got=$(wt_ns ls "$D" 2>&1 | tr '\n' ' ')
[ "$got" = "dir_a dir_sub_b file gone " ] || wt_fail "credentials: got '$got', want 'dir_a dir_sub_b file gone '"
got=$(wt_ns sh -c "cat $D/file; echo; cat $D/dir_a $D/dir_sub_b; echo; cat $D/gone" 2>&1 | tr '\n' '|')
[ "$got" = "from-file|ab|fallback|" ] || wt_fail "contents: got '$got', want 'from-file|ab|fallback|'"
wt_ns sh -c "grep ' $D ' /proc/self/mountinfo" | grep -q ' ro[ ,]' || wt_fail "$D is not mounted read-only"
wt_ns touch "$D/new" 2>/dev/null && wt_fail "root could write into $D"

wt_ctl stop cred.service >/dev/null || wt_fail "stop failed"
wt_wait_state cred.service inactive
wt_ns test -e "$D" && wt_fail "$D is still there after stop"
wt_ns grep -q " $D " /proc/self/mountinfo && wt_fail "$D is still mounted after stop"
wt_until 5 sh -c "! timeout 5 '$WEFTCTL' --runtime-dir '$RUN' list-units 2>/dev/null | grep -q 'run-credentials-cred\.service\.mount'" ||
        wt_fail "run-credentials-cred.service.mount is still active after stop"

# System credentials, as PID 1 received them.
wt_ns mkdir -p /run/credentials/@system
wt_ns sh -c 'printf sys >/run/credentials/@system/syscred'
wt_ctl start sys.service >/dev/null || wt_fail "sys.service did not start"
got=$(wt_ns sh -c 'cat /run/credentials/sys.service/syscred /run/credentials/sys.service/alias' 2>&1)
[ "$got" = syssys ] || wt_fail "LoadCredential=syscred and alias:syscred: got '$got', want 'syssys'"
wt_ctl stop sys.service >/dev/null

# Nothing to load (a missing system credential, as Debian's units in a VM
# without any): an empty mount all the same, as systemd 252.
wt_ctl start empty.service >/dev/null || wt_fail "empty.service (a missing system credential) did not start"
[ "$(wt_ns cat /run/empty-env 2>/dev/null)" = /run/credentials/empty.service ] || wt_fail "empty.service: no \$CREDENTIALS_DIRECTORY"
wt_ctl list-units 2>/dev/null | grep -q 'run-credentials-empty\.service\.mount.*loaded *active *mounted' ||
        wt_fail "empty.service: no active run-credentials-empty.service.mount"
[ -z "$(wt_ns ls -A /run/credentials/empty.service 2>&1)" ] || wt_fail "empty.service: credentials directory not empty"

# A missing absolute source with no fallback fails the unit.
wt_ctl start missing.service >/dev/null 2>&1
wt_wait_state missing.service failed
grep -q 'missing\.service: Failed at step CREDENTIALS spawning /bin/true: No such file or directory' "$WT_LOG" ||
        wt_fail "no 'Failed at step CREDENTIALS spawning /bin/true: No such file or directory' line"
status=$(wt_ctl show -p ExecMainStatus missing.service 2>/dev/null)
case $status in *243*) ;; *) wt_fail "missing.service: ExecMainStatus '$status', want 243" ;; esac
wt_ns test -e /run/credentials/missing.service && wt_fail "missing.service: its credentials directory was left"
wt_assert_answers

wt_stop
wt_finish "credentials loaded, mounted read-only, owned, exported, shown as a mount unit and removed as systemd 252 does"
