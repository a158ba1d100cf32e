#!/bin/bash
# Compares weft's unit name escaping (parse/unit_name.c, through the small
# test/tools/escape.c front end) with the real systemd-escape(1), in all four
# directions: plain and --path, escaping and --unescape; and --mangle (what
# systemctl and SYSTEMD_WANTS= do to a name; not for a path whose unit name
# would be over 255 bytes, which systemd shortens with a hash and weft
# refuses). Each input is run
# through both separately; stdout must match byte for byte and both must agree
# on success or failure. Inputs: a fixed list of awkward strings plus every
# byte 1..255 as a one-char string (and "/" + byte for --path), and every
# "\xHH" escape. Exits 0 with a message when systemd-escape is absent.
# Run from the repository root (test/run-all.sh does so).
set -u
cd "$(dirname "$0")/../.."

if ! command -v systemd-escape >/dev/null 2>&1; then
        echo "escape-oracle: systemd-escape not installed, skipping"
        exit 0
fi

TMP=$(mktemp -d /tmp/weft-escape-oracle.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
DEADLINE=$((SECONDS + 300))

if ! cc -std=c11 -D_GNU_SOURCE -I. test/tools/escape.c parse/unit_name.c base/log.c base/strv.c \
        -o "$TMP/escape" 2>"$TMP/cc.log"; then
        echo "escape-oracle: cannot build test/tools/escape.c:"
        cat "$TMP/cc.log"
        exit 1
fi

checked=0 differ=0

# compare MODE-ARGS... -- INPUT: one input through both programs.
compare() {
        local input=$1; shift
        local ours theirs
        systemd-escape "$@" -- "$input" >"$TMP/theirs" 2>/dev/null; theirs=$?
        "$TMP/escape" "$@" -- "$input" >"$TMP/ours" 2>/dev/null; ours=$?
        checked=$((checked + 1))
        if [ $((theirs == 0)) -ne $((ours == 0)) ] || ! cmp -s "$TMP/theirs" "$TMP/ours"; then
                differ=$((differ + 1))
                printf 'escape-oracle: DIFF [%s] %q: systemd-escape rc=%d %q, weft rc=%d %q\n' \
                        "$*" "$input" "$theirs" "$(cat "$TMP/theirs")" "$ours" "$(cat "$TMP/ours")"
        fi
        if [ "$SECONDS" -gt "$DEADLINE" ]; then
                echo "escape-oracle: out of time after $checked comparisons"
                exit 1
        fi
}

all_modes() {
        local s=$1
        compare "$s"
        compare "$s" --path
        compare "$s" --unescape
        compare "$s" --unescape --path
        # A path too long for a name: systemd hashes it, weft refuses it.
        [ "${s:0:1}" = / ] && [ ${#s} -gt 240 ] || compare "$s" --mangle
}

fixed=(
        "" "a" "foo bar" "  lead and trail  " "ä" "日本語" "emoji 🙂" ".foo" "..foo" "." ".."
        "a.b" "-" "--" "a-b" "-a-" "a\\b" "\\" "/" "//" "///" "/a" "a/" "/a/" "//a//b/"
        "/a/b/c" "/a/./b" "/a/../b" "./a" "/a/." "/." "/.." "/.foo" "/a/.b" "a:b_c.d"
        "tab	x" "new
line" "@" "foo@bar" "%i" "~" "*?[]" '$HOME' "\"quoted\"" "'single'"
        "/dev/sda1" "/home/user name/file" "/var/lib/machines/x-y"
        "a\\x2db" "\\x2d" "\\x2D" "\\x2f" "\\x2e" "\\x2efoo" "\\x20" "\\xc3\\xa4"
        "\\x" "\\x2" "\\xzz" "\\xg0" "\\X41" "\\y41" "a\\" "\\\\" "\\x00" "\\x00b" "foo\\x00"
        "a--b" "-a" "a-" "a-.-b" "a-..-b" "\\x2e\\x2e"
        "/$(printf 'x%.0s' {1..255})" "/$(printf 'x%.0s' {1..256})"
        "$(printf 'x%.0s' {1..300})"
        "foo.service" "foo@.service" "foo@bar" "foo.bar" "foo.target" "foo@a b.socket" "/dev" "//dev/sda"
        "/sys/devices/x" "/device" "/dev/../x" "/home/x" "/" "sys/x" "a@b@c" "$(printf 'x%.0s' {1..247})"
        "$(printf 'x%.0s' {1..248})" "/dev/" "/sys" "/devx"
)
for s in "${fixed[@]}"; do
        all_modes "$s"
done

for i in $(seq 1 255); do
        c=$(printf "\\x$(printf %02x "$i")")
        [ "$i" -eq 10 ] && c=$'\n' # $(...) strips a trailing newline
        all_modes "$c"
        compare "/$c" --path
        compare "/$c/" --path
        hh=$(printf %02x "$i")
        compare "\\x$hh" --unescape
        compare "\\x$hh" --unescape --path
        compare "\\x${hh^^}" --unescape
        compare "/$c" --mangle
done
compare '\x00' --unescape --path

echo "escape-oracle: $checked comparisons, $differ differences"
[ "$differ" -eq 0 ]
