# cli_build.sh — the build as a user meets it (sourced by run_golden.sh):
# a second make right after a build does nothing, and make install puts
# the binary, the docs and the examples under PREFIX (into a staging
# DESTDIR in $tmp). Only for the binaries the Makefile builds itself.
case $QGDC in
    ./qgdc) mk="" ;;
    build/debug/qgdc) mk="DEBUG=1" ;;
    *) mk="skip" ;;
esac
if [ "$mk" = skip ] || ! command -v make > /dev/null 2>&1; then
    echo "[skip] cli: build checks need the Makefile's own binary (./qgdc or build/debug/qgdc)"
else
    # make -q: exit 0 when the target is up to date, 1 when make would run anything
    if make -q $mk "$QGDC" 2> "$tmp/cli_err"; then ok "cli: make after a build is a no-op"; else bad "cli: make after a build would rebuild $QGDC" "$tmp/cli_err"; fi
    if [ -z "$mk" ]; then
        if make --no-print-directory install DESTDIR="$tmp/inst" PREFIX=/usr > "$tmp/cli_out" 2>&1 &&
            [ -x "$tmp/inst/usr/bin/qgdc" ] && "$tmp/inst/usr/bin/qgdc" --version > /dev/null &&
            [ -f "$tmp/inst/usr/share/doc/qgdc/docs/language.md" ] && [ -f "$tmp/inst/usr/share/doc/qgdc/examples/tiny1.qgd" ]; then
            ok "cli: make install DESTDIR PREFIX"
        else
            bad "cli: make install DESTDIR PREFIX" "$tmp/cli_out"
        fi
        if "$tmp/inst/usr/bin/qgdc" check "$tmp/inst/usr/share/doc/qgdc/examples/tiny1.qgd" > /dev/null 2>&1; then ok "cli: the installed qgdc checks an installed example"; else bad "cli: the installed qgdc checks an installed example"; fi
    fi
fi
