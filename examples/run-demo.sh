#!/bin/bash
# The demo: check the example units as systemd-analyze verify would, then
# show how weft loaded a few of them (drop-ins merged, the template
# instantiated, implicit dependencies added).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ctl="$BUILD/weftctl"
demo=examples/demo

echo "== weftctl verify: every unit of $demo"
units=$(cd "$demo" && ls *.service *.target | grep -v '@\.service$'; echo worker@1.service)
# shellcheck disable=SC2086
"$ctl" verify --unit-path "$demo" $units
echo "all units load"

for u in web.service worker@2.service multi-user.target; do
        echo
        echo "== weftctl show $u"
        "$ctl" show --unit-path "$demo" "$u" \
                -p Id,Names,Description,Type,Wants,Requires,After,Before,PartOf,Environment,RestartUSec,TimeoutStartUSec,ExecStart,FragmentPath,DropInPaths
done
