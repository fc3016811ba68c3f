#!/bin/sh
# check_docs.sh — the outputs shown in the documentation are the tool's:
# reruns every marked command and compares its output with the block.
#
#   sh scripts/check_docs.sh [--update] [--all] [--qgdc PATH] [FILE.md ...]
#
# Files: the ones named, else docs/*.md and README.md. A block is checked
# when an HTML comment (invisible on the rendered page) stands on the line
# just before its opening fence:
#
#   <!-- qgdc-doc -->                 the block's first line is "$ COMMAND";
#   ```                               the lines after it are its output
#   $ qgdc analyze examples/quad_cubic.qgd
#   problem quad_cubic
#   ...
#   ```
#
#   <!-- qgdc-doc: COMMAND -->        the whole block is COMMAND's output
#
# and, between that comment and the fence, any of
#
#   <!-- qgdc-doc-mask: ERE -->       what ERE matches (awk syntax) is volatile
#                                     (a timing): it is replaced by <...> on both
#                                     sides before comparing; several allowed
#   <!-- qgdc-doc-slow -->            the command takes long: checked only with
#                                     --all (the test suite leaves it out)
#
# COMMAND runs with sh from the repository root, standard output and error
# together (what a terminal shows), with `qgdc` (or `./qgdc`) meaning the
# binary under test: --qgdc PATH, else $QGDC, else ./qgdc. Each command is
# limited to 300 s. --update rewrites each block that differs with the
# output (a `$` line is kept); review it with git diff. Prints one line per
# block ([ok], [FAIL] with the diff, [skip]) and a summary; exit status 0
# when every checked block matches, 1 when one differs, 2 on a usage or
# marker error.
set -u
update=0
all=0
qgdc=${QGDC:-./qgdc}
while [ $# -gt 0 ]; do
    case $1 in
    --update) update=1 ;;
    --all) all=1 ;;
    --qgdc) [ $# -ge 2 ] || { echo "check_docs: --qgdc needs a path" >&2; exit 2; }; qgdc=$2; shift ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check_docs: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
if [ $# -eq 0 ]; then
    set -- docs/*.md README.md
fi
case $qgdc in /*) ;; *) qgdc=$root/$qgdc ;; esac
if [ ! -x "$qgdc" ]; then
    echo "check_docs: no qgdc binary at $qgdc (build it, or pass --qgdc PATH)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$qgdc" "$work/bin/qgdc"
has_timeout=0
command -v timeout > /dev/null 2>&1 && has_timeout=1

# mask FILE: FILE with every match of the masks in $work/masks replaced
mask() {
    MASKS_FILE=$work/masks awk '
        BEGIN { while ((getline re < ENVIRON["MASKS_FILE"]) > 0) if (re != "") m[n++] = re }
        { for (i = 0; i < n; i++) gsub(m[i], "<...>"); print }' "$1"
}

checked=0
differ=0
skipped=0
for md in "$@"; do
    [ -f "$md" ] || { echo "check_docs: no file $md" >&2; exit 2; }
    blocks=$work/blocks
    rm -rf "$blocks"
    mkdir "$blocks"
    # Split the file: for block k, $blocks/k.meta ("LINE SLOW DOLLAR" then
    # the command), k.masks, k.expect (the output part of the block).
    awk -v dir="$blocks" -v md="$md" '
        function fail(msg) { printf "check_docs: %s:%d: %s\n", md, NR, msg > "/dev/stderr"; bad = 1; exit 2 }
        state == 0 && /^<!-- qgdc-doc(: .*)? -->[ \t]*$/ {
            k++; cmd = ""; slow = 0; masks = ""
            if (match($0, /^<!-- qgdc-doc: /)) {
                cmd = substr($0, RLENGTH + 1); sub(/ -->[ \t]*$/, "", cmd)
            }
            state = 1; next
        }
        state == 0 && /^<!-- qgdc-doc/ { fail("malformed marker (see scripts/check_docs.sh)") }
        state == 1 && /^<!-- qgdc-doc-mask: .* -->[ \t]*$/ {
            re = $0; sub(/^<!-- qgdc-doc-mask: /, "", re); sub(/ -->[ \t]*$/, "", re)
            masks = masks re "\n"; next
        }
        state == 1 && /^<!-- qgdc-doc-slow -->[ \t]*$/ { slow = 1; next }
        state == 1 && /^```/ { state = 2; start = NR; first = 1; dollar = 0; printf "" > (dir "/" k ".expect"); next }
        state == 1 { fail("a qgdc-doc marker must stand just before a fenced block") }
        state == 2 && /^```[ \t]*$/ {
            if (cmd == "") fail("block of line " start ": no command (\"$ COMMAND\" first line or <!-- qgdc-doc: COMMAND -->)")
            printf "%d %d %d\n%s\n", start, slow, dollar, cmd > (dir "/" k ".meta")
            printf "%s", masks > (dir "/" k ".masks")
            close(dir "/" k ".meta"); close(dir "/" k ".masks"); close(dir "/" k ".expect")
            state = 0; next
        }
        state == 2 {
            if (first && /^\$ /) {
                if (cmd != "") fail("a block with a \"$ COMMAND\" line takes a plain <!-- qgdc-doc --> marker")
                cmd = substr($0, 3); dollar = 1; first = 0; next
            }
            first = 0
            print > (dir "/" k ".expect"); next
        }
        END { if (!bad && state == 2) { NR = start; fail("unclosed block") } if (!bad && state == 1) fail("marker at the end of the file") }
    ' "$md" || exit 2
    : > "$work/rewrite"
    k=1
    while [ -f "$blocks/$k.meta" ]; do
        read -r line slow dollar < "$blocks/$k.meta"
        cmd=$(sed -n 2p "$blocks/$k.meta")
        where="$md:$line: $cmd"
        if [ "$slow" = 1 ] && [ $all = 0 ]; then
            echo "[skip] $where (slow: --all runs it)"
            skipped=$((skipped + 1)); k=$((k + 1)); continue
        fi
        run=$(printf '%s' "$cmd" | sed 's|^\./qgdc |qgdc |')
        t0=$(date +%s.%N)
        if [ $has_timeout = 1 ]; then
            PATH="$work/bin:$PATH" timeout 300 sh -c "$run" > "$work/actual" 2>&1 < /dev/null
        else
            PATH="$work/bin:$PATH" sh -c "$run" > "$work/actual" 2>&1 < /dev/null
        fi
        secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        # an output without a final newline still ends the block's last line
        [ -s "$work/actual" ] && [ "$(tail -c 1 "$work/actual" | od -An -c | tr -d ' ')" != '\n' ] && echo >> "$work/actual"
        cp "$blocks/$k.masks" "$work/masks"
        mask "$blocks/$k.expect" > "$work/expect.m"
        mask "$work/actual" > "$work/actual.m"
        checked=$((checked + 1))
        if diff -u --label documented --label "the tool" "$work/expect.m" "$work/actual.m" > "$work/diff"; then
            echo "[ok]   $where (${secs} s)"
        elif [ $update = 1 ]; then
            echo "[upd]  $where (${secs} s): block rewritten"
            # a line that differs only in its masked parts keeps its documented
            # text (a timing measured on a quiet machine stays as written)
            MASKS_FILE=$work/masks OLD=$blocks/$k.expect awk '
                function masked(s,   i) { for (i = 0; i < n; i++) gsub(m[i], "<...>", s); return s }
                BEGIN {
                    while ((getline re < ENVIRON["MASKS_FILE"]) > 0) if (re != "") m[n++] = re
                    while ((getline l < ENVIRON["OLD"]) > 0) { k = masked(l); if (!(k in old)) old[k] = l }
                }
                { k = masked($0); print (k != $0 && (k in old)) ? old[k] : $0 }' "$work/actual" > "$blocks/$k.new"
            echo "$line $dollar $k" >> "$work/rewrite"
        else
            echo "[FAIL] $where (${secs} s): the documented output differs (- documented, + the tool's)"
            sed 's/^/       /' "$work/diff"
            differ=$((differ + 1))
        fi
        k=$((k + 1))
    done
    if [ -s "$work/rewrite" ]; then
        # replace the output part of each listed block, keep everything else
        awk -v dir="$blocks" -v list="$work/rewrite" '
            BEGIN { while ((getline l < list) > 0) { split(l, f, " "); blk[f[1]] = f[3]; dol[f[1]] = f[2] } }
            skip && /^```[ \t]*$/ { skip = 0 }
            skip { next }
            (NR in blk) {
                file = dir "/" blk[NR] ".new"
                print
                if (dol[NR]) { getline; print }
                while ((getline l < file) > 0) print l
                close(file)
                skip = 1; next
            }
            { print }
        ' "$md" > "$work/md.new" && cat "$work/md.new" > "$md"
    fi
done
echo "docs: $checked checked, $differ differ, $skipped skipped (slow)"
[ $differ -eq 0 ]
