#!/bin/bash
# weftctl's offline verbs on real files, against the real systemctl:
#  - enable, reenable, disable, mask, unmask, revert, link, set-default, preset run on two copies of one
#    tree, one by `systemctl --root=A`, the other by `weftctl --root=B`;
#    after each step the two trees (links, their targets, folders) must be
#    the same, and so must the exit statuses; is-enabled and get-default
#    must print the same answers, and list-unit-files the same table;
#    link's refusals print systemctl's messages word for word;
#  - cat and show under --root read a linked unit's and an alias's file in
#    the image, not on this host;
#  - cat prints the fragment and drop-ins under "# /path" headers;
#  - list-dependencies draws the tree (and --reverse);
#  - called as `systemctl` (a link), weftctl answers the same verbs.
# Skips (exit 0) when systemctl is not installed.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
NAME=weftctl-offline
WEFTCTL=$(realpath "$BUILD/weftctl" 2>/dev/null)

if ! command -v systemctl >/dev/null 2>&1; then
        echo "$NAME: systemctl not found, skipping"
        exit 0
fi
if [ ! -x "$WEFTCTL" ]; then
        timeout 300 make -s BUILD="$BUILD" "$BUILD/weftctl" || { echo "$NAME: FAIL: cannot build $BUILD/weftctl"; exit 1; }
        WEFTCTL=$(realpath "$BUILD/weftctl")
fi

TMP=$(mktemp -d /tmp/weftctl-offline.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "$NAME: FAIL: $*"; fails=$((fails + 1)); }

unit() { # unit DIR NAME CONTENT
        mkdir -p "$1"
        printf '%b' "$3" > "$1/$2"
}

make_tree() {
        local r=$1 lib=$1/usr/lib/systemd/system etc=$1/etc/systemd/system
        mkdir -p "$lib" "$etc" "$1/lib/systemd/system"
        unit "$lib" foo.service '[Unit]\nDescription=Foo\nWants=helper.service\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nRequiredBy=bar.target\nAlias=bar.service foo2.service\nAlso=baz.service\n'
        unit "$lib" baz.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=default.target\n'
        unit "$lib" helper.service '[Service]\nExecStart=/bin/true\n'
        unit "$lib" static.service '[Service]\nExecStart=/bin/true\n'
        unit "$lib" tmpl@.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n'
        unit "$lib" multi-user.target '[Unit]\nDescription=Multi-User System\nRequires=basic.target\n'
        unit "$lib" basic.target '[Unit]\nDescription=Basic System\n'
        unit "$lib" graphical.target '[Unit]\nDescription=Graphical Interface\nRequires=multi-user.target\n'
        unit "$1/lib/systemd/system" lib.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n'
        unit "$etc" local.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target graphical.target\n'
        unit "$etc/foo.service.d" override.conf '[Service]\nEnvironment=A=1\n'
        unit "$1/run/systemd/generator" gen.service '[Service]\nExecStart=/bin/true\n'
        unit "$1/run/systemd/generator.late" late.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n'
        unit "$1/run/systemd/transient" tr.service '[Service]\nExecStart=/bin/true\n'
        mkdir -p "$1/run/systemd/system" && ln -s /dev/null "$1/run/systemd/system/rt.service"
        unit "$1/usr/lib/systemd/system-preset" 90-test.preset 'disable baz.service\nenable foo.service\ndisable lib.service\ndisable tmpl@*\n'
}

tree() { # the links and folders under DIR/etc, targets included
        (cd "$1/etc" && find . -mindepth 1 \( -type l -printf '%p -> %l\n' \) -o \( -type d -printf '%p/\n' \) | sort)
}

A=$TMP/systemctl B=$TMP/weftctl
make_tree "$A"
make_tree "$B"

# step VERB ARGS...: run on both trees, compare status, output and trees
step() {
        local ra rb
        systemctl --root="$A" "$@" >"$TMP/out.a" 2>"$TMP/err.a"; ra=$?
        "$WEFTCTL" --root="$B" "$@" >"$TMP/out.b" 2>"$TMP/err.b"; rb=$?
        [ "$ra" = "$rb" ] || fail "$*: exit $rb, systemctl $ra ($(head -c 300 "$TMP/err.b"))"
        if ! cmp -s "$TMP/out.a" "$TMP/out.b"; then
                fail "$*: output differs:"; diff "$TMP/out.a" "$TMP/out.b" | head -10
        fi
        if ! diff <(tree "$A") <(tree "$B") >"$TMP/diff"; then
                fail "$*: trees differ (< systemctl, > weftctl):"; head -20 "$TMP/diff"
        fi
        # The Created/Removed lines name the same paths, modulo the root.
        grep -E '^(Created|Removed)' "$TMP/err.a" | sed "s|$A||g" | sort >"$TMP/msg.a"
        grep -E '^(Created|Removed)' "$TMP/err.b" | sed "s|$B||g" | sort >"$TMP/msg.b"
        cmp -s "$TMP/msg.a" "$TMP/msg.b" || { fail "$*: messages differ:"; diff "$TMP/msg.a" "$TMP/msg.b" | head; }
}
# step_err VERB ARGS...: step, and every message the same, modulo the root.
step_err() {
        step "$@"
        sed "s|$A||g" "$TMP/err.a" >"$TMP/all.a"
        sed "s|$B||g" "$TMP/err.b" >"$TMP/all.b"
        cmp -s "$TMP/all.a" "$TMP/all.b" || { fail "$*: errors differ:"; diff "$TMP/all.a" "$TMP/all.b" | head; }
}

step enable foo.service
step is-enabled foo.service
step is-enabled bar.service
step is-enabled baz.service
step is-enabled static.service
step is-enabled helper.service
step is-enabled tmpl@.service
step enable foo.service
step enable lib.service local.service
step enable tmpl@.service tmpl@x.service
step is-enabled tmpl@.service
step is-enabled tmpl@x.service
step is-enabled tmpl@y.service
step enable static.service
step enable nope.service
step disable tmpl@x.service
step is-enabled tmpl@x.service
step reenable foo.service
step reenable lib.service
step reenable nope.service
step disable foo.service
step is-enabled foo.service
step disable tmpl@.service
step mask static.service foo.service
step is-enabled static.service
step list-unit-files
step enable foo.service
step disable foo.service
step unmask static.service foo.service
step mask nope.service
step unmask nope.service
step get-default
step set-default graphical.target
step get-default
step is-enabled multi-user.target
step set-default multi-user.target
step set-default multi-user.target
step set-default nope.target
step set-default foo.service
step get-default
step is-enabled default.target
step list-unit-files --no-legend
step disable local.service lib.service
step is-enabled nope.service
step is-enabled foo.service static.service
step is-enabled gen.service late.service tr.service rt.service
# preset: systemd.preset(5) files say enable or disable (unnamed: enable)
step preset foo.service
step list-unit-files
step preset baz.service lib.service local.service
step preset static.service
step preset nope.service
step preset tmpl@.service
step preset bar.service
step list-unit-files --state=enabled,disabled
step list-unit-files --no-legend 'foo*' 'tmpl@*'
step list-unit-files 'zz*'
step mask foo.service
step preset foo.service
step list-unit-files
step unmask foo.service
step disable foo.service

# revert: drop-ins in /etc and /run go; an override of a vendor unit and a
# mask of one go; a local unit (no vendor file) keeps its file and loses
# its drop-ins. (foo.service is left for cat below.)
for r in "$A" "$B"; do
        unit "$r/etc/systemd/system" baz.service '[Service]\nExecStart=/bin/false\n'
        unit "$r/etc/systemd/system/baz.service.d" z.conf '[Unit]\nDescription=Z\n'
        ln -s /dev/null "$r/etc/systemd/system/helper.service"
        unit "$r/run/systemd/system/static.service.d" x.conf '[Unit]\nDescription=X\n'
        unit "$r/etc/systemd/system/local.service.d" y.conf '[Unit]\nDescription=Y\n'
done
step revert baz.service helper.service
step is-enabled helper.service
step revert static.service local.service
step revert nope.service
[ -f "$B/etc/systemd/system/local.service" ] || fail "revert removed local.service, which has no vendor file"
[ -e "$B/run/systemd/system/static.service.d" ] && fail "revert left /run/systemd/system/static.service.d"
[ -e "$B/etc/systemd/system/baz.service" ] && fail "revert left the override of baz.service"

# link: unit files outside the unit path get links of their names
# (is-enabled: linked), then enable works on them; each refusal (all
# checked before any link), and --force over a link to something else.
for r in "$A" "$B"; do
        unit "$r/opt" ext.service '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n'
        unit "$r/opt" ext2.service '[Service]\nExecStart=/bin/true\n'
        unit "$r/opt" ext3.service '[Service]\nExecStart=/bin/true\n'
        unit "$r/opt" clash.service '[Service]\nExecStart=/bin/true\n'
        mkdir -p "$r/opt/dir.service"
        ln -s /opt/other.service "$r/etc/systemd/system/clash.service"
done
step_err link /opt/ext.service /opt/ext2.service
step is-enabled ext.service ext2.service
step list-unit-files 'ext*'
step_err link /opt/ext.service
step enable ext.service
step is-enabled ext.service
step_err link /opt/missing.service
step_err link /opt/ext3.service /opt/missing.service
step_err link /opt/dir.service
step_err link /opt/bad_name
step_err link ext3.service
step_err link opt/ext3.service
step_err link /opt/clash.service
step_err link --force /opt/clash.service
# The loader reads a link's absolute target under --root: the linked
# unit's file and an alias's are the image's, not this host's.
ln -s /usr/lib/systemd/system/helper.service "$B/etc/systemd/system/helper-alias.service"
"$WEFTCTL" --root="$B" cat ext.service >"$TMP/cat" 2>&1 || fail "cat ext.service (linked): exit $?"
[ "$(head -1 "$TMP/cat")" = "# $B/opt/ext.service" ] || { fail "cat ext.service (linked):"; head -3 "$TMP/cat"; }
"$WEFTCTL" --root="$B" cat helper-alias.service >"$TMP/cat" 2>&1 || fail "cat helper-alias.service: exit $?"
[ "$(head -1 "$TMP/cat")" = "# $B/usr/lib/systemd/system/helper.service" ] || { fail "cat helper-alias.service:"; head -3 "$TMP/cat"; }
out=$("$WEFTCTL" --root="$B" show -p FragmentPath ext.service 2>&1)
[ "$out" = "FragmentPath=$B/opt/ext.service" ] || fail "show -p FragmentPath ext.service (linked): $out"
rm "$B/etc/systemd/system/helper-alias.service"

# cat: fragment, then each drop-in after a blank line
"$WEFTCTL" --root="$B" cat foo.service >"$TMP/cat" 2>&1 || fail "cat foo.service: exit $?"
expect=$(printf '# %s\n%s\n\n# %s\n%s' "$B/usr/lib/systemd/system/foo.service" "$(cat "$B/usr/lib/systemd/system/foo.service")" \
        "$B/etc/systemd/system/foo.service.d/override.conf" "$(cat "$B/etc/systemd/system/foo.service.d/override.conf")")
[ "$(cat "$TMP/cat")" = "$expect" ] || { fail "cat foo.service:"; diff <(echo "$expect") "$TMP/cat" | head; }
"$WEFTCTL" --root="$B" cat nope.service >/dev/null 2>"$TMP/err"
[ $? = 1 ] && grep -q 'No files found for nope.service.' "$TMP/err" || fail "cat nope.service: $(cat "$TMP/err")"

# list-dependencies: targets expanded, services not
"$WEFTCTL" --root="$B" -q enable local.service || fail "enable local.service: exit $?"
"$WEFTCTL" --root="$B" list-dependencies graphical.target >"$TMP/deps" 2>&1 || fail "list-dependencies: exit $?"
grep -qx 'graphical.target' "$TMP/deps" && grep -q '^● .─local.service$' "$TMP/deps" &&
        grep -q '^● └─multi-user.target$' "$TMP/deps" && grep -q '^●   .─basic.target$' "$TMP/deps" ||
        { fail "list-dependencies graphical.target:"; cat "$TMP/deps"; }
"$WEFTCTL" --root="$B" list-dependencies --reverse basic.target >"$TMP/rdeps" 2>&1 || fail "list-dependencies --reverse: exit $?"
grep -q '─multi-user.target$' "$TMP/rdeps" && grep -q '─graphical.target$' "$TMP/rdeps" ||
        { fail "list-dependencies --reverse basic.target:"; cat "$TMP/rdeps"; }

# called as systemctl
mkdir "$TMP/bin" && ln -s "$WEFTCTL" "$TMP/bin/systemctl"
"$TMP/bin/systemctl" --root="$B" is-enabled static.service >"$TMP/out" 2>&1 && [ "$(cat "$TMP/out")" = static ] ||
        fail "systemctl link: is-enabled: $(cat "$TMP/out")"
"$TMP/bin/systemctl" --root="$B" frobnicate >/dev/null 2>"$TMP/err"
[ $? = 1 ] && grep -q "Unknown command verb 'frobnicate'." "$TMP/err" || fail "systemctl link: unknown verb: $(cat "$TMP/err")"

# No manager: a live verb says so, exit 1
"$WEFTCTL" --runtime-dir "$TMP/none" is-active foo.service >/dev/null 2>"$TMP/err"
[ $? = 1 ] && grep -q "cannot reach weft at $TMP/none/control" "$TMP/err" || fail "no manager: $(cat "$TMP/err")"

if [ "$fails" -gt 0 ]; then
        echo "$NAME: $fails failures"
        exit 1
fi
echo "$NAME: ok"
