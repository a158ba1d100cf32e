#!/bin/bash
# The layers, one way (docs/ARCHITECTURE.md "Layers"): each folder may
# include only from the folders listed for it. An include that points up
# fails the build's check with file:line and the rule it breaks.
#   base/     the base layer: log, strv, hashmap, idmap, timer_heap, macro
#   parse/    unit files and weft's files to configuration   (base)
#   workers/  spawning                                       (base, parse)
#   sockets/  fds and wire formats                           (base, parse)
#   core/     the manager                                    (all of the above)
#   ctl/      weftctl: never core                            (base, parse, sockets)
set -u
cd "$(dirname "$0")/.."
declare -A allowed=(
        [base]="base"
        [parse]="base parse"
        [workers]="base parse workers"
        [sockets]="base parse sockets"
        [core]="base parse workers sockets core"
        [ctl]="base parse sockets ctl"
)
bad=0
for dir in "${!allowed[@]}"; do
        for f in "$dir"/*.[ch]; do
                [ -e "$f" ] || continue
                while IFS=: read -r line inc; do
                        to=${inc%%/*}
                        case " ${allowed[$dir]} " in *" $to "*) ;; *)
                                echo "$f:$line: includes $inc: $dir/ may include only from ${allowed[$dir]}"
                                bad=1 ;;
                        esac
                done < <(grep -n '^#include "[a-z]*/' "$f" | sed -E 's/^([0-9]+):#include "([^"]*)".*/\1:\2/')
        done
done
[ $bad = 0 ] && echo "layers: every include points down or sideways as allowed"
exit $bad
