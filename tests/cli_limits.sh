# cli_limits.sh — bounded reads (sourced by run_golden.sh): every input and
# data file is read against the input limit (QGDC_MAX_INPUT; by default an
# eighth of the memory budget, at most 256 MiB), devices without end are
# refused in time, and the headers of two IDX files are compared before any
# of their data is inflated; '-' reads standard input; a UTF-8 byte-order
# mark is skipped. The hostile inputs are generated here, in $tmp.

# expect_err NAME TEXT: the last command's stderr holds TEXT
expect_err() {
    if grep -qF -- "$2" "$tmp/cli_err"; then ok "cli: $1"; else bad "cli: $1: wanted '$2'" "$tmp/cli_err"; fi
}
# expect_rc_in NAME WANT INPUT CMD...: expect_rc with standard input from INPUT
expect_rc_in() {
    name=$1; want=$2; input=$3; shift 3
    "$@" < "$input" > "$tmp/cli_out" 2> "$tmp/cli_err"
    rc=$?
    if [ $rc -eq "$want" ]; then ok "cli: $name"; else bad "cli: $name: exit $rc, expected $want" "$tmp/cli_err"; fi
}

# ---- files without end: refused at the limit, in time ----
expect_rc "check /dev/zero" 1 env QGDC_MAX_INPUT=1M timeout 60 "$QGDC" check /dev/zero
expect_err "check /dev/zero: message" "cannot read '/dev/zero'"
expect_rc "sim /dev/zero" 1 env QGDC_MAX_INPUT=1M timeout 60 "$QGDC" sim /dev/zero
expect_err "sim /dev/zero: message" "cannot read '/dev/zero'"
# the default limit: an eighth of QGDC_MEM_LIMIT
expect_rc "count /dev/zero, default limit" 1 env QGDC_MEM_LIMIT=64M timeout 60 "$QGDC" count /dev/zero
expect_rc "analyze --spectrum /dev/zero" 1 env QGDC_MAX_INPUT=1M timeout 60 "$QGDC" analyze --spectrum /dev/zero
expect_err "analyze --spectrum /dev/zero: message" \
    "cannot read '/dev/zero': it is larger than the input limit of 1.0 MiB (QGDC_MAX_INPUT sets it)"

# data files: refused at the .qgd text that names them
gd_with() { # FILE CONST [INDEX]: a gd problem reading constant A from FILE with CONST
    printf 'const A = %s("%s");\ngd p {\n    param u[2] = 0.5;\n    eta = 0.1;\n    T = 3;\n    loss = sum(i in 0..1) A[%s]*u[i]^2;\n}\n' "$2" "$1" "${3:-i}"
}
gd_with /dev/zero mtx > "$tmp/lim_zero.qgd"
expect_rc "mtx(/dev/zero)" 1 env QGDC_MAX_INPUT=1M timeout 60 "$QGDC" check "$tmp/lim_zero.qgd"
expect_err "mtx(/dev/zero): message" \
    "$tmp/lim_zero.qgd:1:15: error: cannot read '/dev/zero': it is larger than the input limit of 1.0 MiB"
gd_with /dev/urandom csv > "$tmp/lim_urandom.qgd"
expect_rc "csv(/dev/urandom)" 1 env QGDC_MAX_INPUT=1M timeout 60 "$QGDC" check "$tmp/lim_urandom.qgd"
expect_err "csv(/dev/urandom): message" "$tmp/lim_urandom.qgd:1:15: error: cannot read '/dev/urandom'"
# a regular file of 2 KiB: read at the default limit, refused at 1K
{
    echo "1, 2"
    i=0
    while [ $i -lt 40 ]; do echo "# a comment line that pads the file to more than 1 KiB"; i=$((i + 1)); done
} > "$tmp/lim_big.csv"
gd_with lim_big.csv csv > "$tmp/lim_csv.qgd"
expect_rc "csv under the limit" 0 "$QGDC" check "$tmp/lim_csv.qgd"
expect_rc "csv over the limit" 1 env QGDC_MAX_INPUT=1K "$QGDC" check "$tmp/lim_csv.qgd"
expect_err "csv over the limit: message" \
    "$tmp/lim_csv.qgd:1:15: error: cannot read '$tmp/lim_big.csv': it is larger than the input limit of 1.0 KiB (QGDC_MAX_INPUT sets it)"
{ printf '%%%%MatrixMarket matrix array real general\n2 1\n1\n2\n'; cat "$tmp/lim_big.csv"; } > "$tmp/lim_big.mtx"
gd_with lim_big.mtx mtx "i, 0" > "$tmp/lim_mtx.qgd"
expect_rc "mtx under the limit" 0 "$QGDC" check "$tmp/lim_mtx.qgd"
expect_rc "mtx over the limit" 1 env QGDC_MAX_INPUT=1K "$QGDC" check "$tmp/lim_mtx.qgd"
expect_err "mtx over the limit: message" "$tmp/lim_mtx.qgd:1:15: error: cannot read '$tmp/lim_big.mtx': it is larger"

# ---- a gzip IDX bomb: 1.5 MiB declaring 2,054,254 images of 28 x 28 (1.5 GiB,
# under the 2 GiB memory budget), 96 gzip members of 16 MiB of zeros ----
printf '\000\000\010\003\000\037\130\156\000\000\000\034\000\000\000\034' | gzip -9 > "$tmp/bomb-images.idx.gz"
head -c 16777216 /dev/zero | gzip -9 > "$tmp/bomb-member.gz"
i=0
while [ $i -lt 96 ]; do cat "$tmp/bomb-member.gz"; i=$((i + 1)); done >> "$tmp/bomb-images.idx.gz"
cp tests/data/ntk_tiny-labels.idx "$tmp/bomb-labels10.idx"
printf '\000\000\010\001\000\037\130\156\001\002' > "$tmp/bomb-labels.idx"
ntk_with() { # IMAGES LABELS
    printf 'ntk p {\n    train = idx("%s", "%s", classes = [0, 1]);\n    test = idx("%s", "%s", classes = [0, 1]);\n    activation = relu;\n    L = 3;\n}\n' "$1" "$2" "$1" "$2"
}
ntk_with bomb-images.idx.gz bomb-labels10.idx > "$tmp/bomb_count.qgd"
# counts compared from the headers: nothing inflated (it took 15 s and 1.5 GB)
expect_rc "idx bomb, counts differ" 1 timeout 10 "$QGDC" check "$tmp/bomb_count.qgd"
expect_err "idx bomb, counts differ: message" \
    "$tmp/bomb_count.qgd:2:13: error: the files disagree: 'bomb-images.idx.gz' has 2054254 images but 'bomb-labels10.idx' has 10 labels"
# counts agree: the declared size is over the input limit
ntk_with bomb-images.idx.gz bomb-labels.idx > "$tmp/bomb_size.qgd"
expect_rc "idx bomb, over the limit" 1 timeout 10 "$QGDC" check "$tmp/bomb_size.qgd"
expect_err "idx bomb, over the limit: message" \
    "$tmp/bomb_size.qgd:2:17: error: 'bomb-images.idx.gz': its header declares 2054254 images of 784 bytes (1.5 GiB), more than the input limit of 256.0 MiB (QGDC_MAX_INPUT sets it)"
rm -f "$tmp/bomb-images.idx.gz" "$tmp/bomb-member.gz"

# ---- '-' reads standard input in every command that reads a file ----
for c in check estimate compile run analyze; do
    expect_rc_in "$c - (stdin)" 0 examples/tiny1.qgd "$QGDC" $c -
done
expect_rc_in "check - output" 0 examples/tiny1.qgd "$QGDC" check -
if grep -q "ok: gd tiny1" "$tmp/cli_out"; then ok "cli: check - reads the problem"; else bad "cli: check - reads the problem" "$tmp/cli_out"; fi
# errors name <stdin>
expect_rc_in "check - with an error" 1 tests/errors/syntax_missing_semicolon.qgd "$QGDC" check -
sed 's|tests/errors/syntax_missing_semicolon.qgd|<stdin>|g' tests/errors/syntax_missing_semicolon.err > "$tmp/stdin_want.err"
if cmp -s "$tmp/stdin_want.err" "$tmp/cli_err"; then ok "cli: errors on stdin name <stdin>"; else
    diff "$tmp/stdin_want.err" "$tmp/cli_err" > "$tmp/diff"; bad "cli: errors on stdin name <stdin>" "$tmp/diff"; fi
# data files named from standard input are relative to the current directory
printf 'const x0[5] = csv("tests/errors/data/five.csv");\ngd p {\n    param u[1] = x0[4];\n    eta = 0.1;\n    T = 3;\n    loss = u[0]^2;\n}\n' > "$tmp/stdin_data.qgd"
expect_rc_in "check - with a data file" 0 "$tmp/stdin_data.qgd" "$QGDC" check -
for c in count sim qasm; do
    expect_rc_in "$c - (stdin)" 0 tests/interop/circuits/bell.qasm "$QGDC" $c -
done
if grep -q "^cx " "$tmp/cli_out"; then ok "cli: qasm - reads the circuit"; else bad "cli: qasm - reads the circuit" "$tmp/cli_out"; fi
printf 'OPENQASM 3.0;\nqubit q;\nnosuchgate q;\n' > "$tmp/stdin_bad.qasm"
expect_rc_in "sim - with an error" 1 "$tmp/stdin_bad.qasm" "$QGDC" sim -
expect_err "sim - with an error: located" "<stdin>:3:"
expect_rc_in "analyze --spectrum -" 0 examples/spectrum_hist.txt "$QGDC" analyze --spectrum - --tmax 50
if grep -q "E(t) first exceeds 1 at t = 21" "$tmp/cli_out"; then ok "cli: spectrum from stdin"; else bad "cli: spectrum from stdin" "$tmp/cli_out"; fi
expect_rc_in "stdin over the limit" 1 "$tmp/lim_big.csv" env QGDC_MAX_INPUT=1K "$QGDC" check -

# ---- a UTF-8 byte-order mark is skipped; columns count from after it ----
{ printf '\357\273\277'; cat examples/tiny1.qgd; } > "$tmp/bom_ok.qgd"
expect_rc "check with a byte-order mark" 0 "$QGDC" check "$tmp/bom_ok.qgd"
printf '\357\273\277gd p { param u = 1; eta = 0.1; T = 3; loss = u^2; }\n' > "$tmp/bom_err.qgd"
expect_rc "byte-order mark, error on line 1" 1 "$QGDC" check "$tmp/bom_err.qgd"
cp "$tmp/cli_err" "$tmp/bom_with.err"
printf 'gd p { param u = 1; eta = 0.1; T = 3; loss = u^2; }\n' > "$tmp/bom_err.qgd"
"$QGDC" check "$tmp/bom_err.qgd" > "$tmp/cli_out" 2> "$tmp/bom_without.err"
if cmp -s "$tmp/bom_with.err" "$tmp/bom_without.err" && grep -q "bom_err.qgd:1:16: error" "$tmp/bom_with.err"; then
    ok "cli: byte-order mark: the same error at the same column"
else
    bad "cli: byte-order mark: the same error at the same column" "$tmp/bom_with.err"
fi
{ printf '\357\273\277'; cat tests/interop/circuits/bell.qasm; } > "$tmp/bom.qasm"
expect_rc "sim with a byte-order mark" 0 "$QGDC" sim "$tmp/bom.qasm"
