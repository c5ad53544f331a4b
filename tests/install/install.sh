#!/bin/sh
# install.sh - `make install` into a temporary DESTDIR, then use what it
# installed the way a user would, then `make uninstall`.
#
#   - every file is where it belongs; the shared library has its soname and
#     exports exactly the functions of spiral.h;
#   - examples/score.c builds against the staged tree with
#     `pkg-config --cflags --libs spiral` (PKG_CONFIG_SYSROOT_DIR pointing at
#     DESTDIR), linked to libspiral.so.0 and, with `pkg-config --static`, to
#     libspiral.a alone; both score like the installed program;
#   - a C++ program and the example of spiral(3) build and run against it;
#   - examples/score.py loads the installed libspiral.so.0 and finds the data
#     through pkg-config;
#   - the installed program finds its lexicons and dictionary by itself
#     (next to it: <exe>/../share/spiral), and its man pages render;
#   - `make uninstall` leaves no file behind.
#
# Run by `make install-check` (part of `make check`), which passes MAKE, CC,
# CXX, SANFLAGS, SANITIZE, VERSION, SONAME and the installation directories
# (PREFIX, BINDIR, LIBDIR, INCLUDEDIR, MANDIR, PKGCONFIGDIR, SPIRAL_DATADIR)
# in the environment.
set -u
: "${MAKE:=make}" "${CC:=cc}" "${CXX:=c++}" "${SANFLAGS:=}" "${SANITIZE:=}"
: "${VERSION:?}" "${SONAME:?}" "${PREFIX:?}" "${BINDIR:?}" "${LIBDIR:?}" "${INCLUDEDIR:?}"
: "${MANDIR:?}" "${PKGCONFIGDIR:?}" "${SPIRAL_DATADIR:?}"
dir=$(cd "$(dirname "$0")/../.." && pwd)
here=$dir/tests/install
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL install: $*"; }
check() { # description command...
    what=$1; shift
    if "$@" >"$tmp/log" 2>&1; then ok; else bad "$what"; sed 's/^/    /' "$tmp/log" | head -30; fi
}
# The sanitizer runtimes, for python3 loading a sanitized library.
preload=
if [ "$SANITIZE" = 1 ]; then
    preload="$($CC -print-file-name=libasan.so) $($CC -print-file-name=libubsan.so)"
fi
export ASAN_OPTIONS=detect_leaks=0

cd "$dir" || exit 2
if ! $MAKE --no-print-directory -s install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
    bad "make install DESTDIR=$dest"; cat "$tmp/install.log"
    echo "install: $pass passed, $fail failed"; exit 1
fi
ok

# --- the files -------------------------------------------------------------
lib=$dest$LIBDIR
data=$dest$SPIRAL_DATADIR
for f in "$dest$BINDIR/spiral" "$lib/libspiral.so.$VERSION" "$lib/libspiral.a" \
         "$dest$INCLUDEDIR/spiral.h" "$dest$PKGCONFIGDIR/spiral.pc" "$data/zh.dict" \
         "$data/lexicons/README.md" "$data/lexicons/actors.tsv" "$data/lexicons/referents.tsv" \
         "$data/lexicons/en/threat.tsv" "$data/lexicons/en/reassurance.tsv" \
         "$data/lexicons/en/modifiers.tsv" "$data/lexicons/zh/threat.tsv" \
         "$data/lexicons/zh/reassurance.tsv" "$data/lexicons/zh/modifiers.tsv" \
         "$dest$MANDIR/man1/spiral.1" "$dest$MANDIR/man3/spiral.3" \
         "$dest$MANDIR/man5/spiral-lexicon.5"; do
    check "installed: ${f#"$dest"}" test -f "$f"
done
check "bin/spiral is executable" test -x "$dest$BINDIR/spiral"
check "$SONAME -> libspiral.so.$VERSION" test "$(readlink "$lib/$SONAME")" = "libspiral.so.$VERSION"
check "libspiral.so -> $SONAME" test "$(readlink "$lib/libspiral.so")" = "$SONAME"
check "soname $SONAME" sh -c "readelf -d '$lib/libspiral.so.$VERSION' | grep -q 'SONAME.*\\[$SONAME\\]'"
# Exported: the functions spiral.h declares, all of them, and nothing else.
$CC -E -P "$dir/include/spiral.h" | grep -o '\bspiral_[a-z0-9_]*[ ]*(' | tr -d ' (' | sort -u \
    >"$tmp/declared"
nm -D --defined-only "$lib/libspiral.so.$VERSION" | awk '$2 == "T" { print $3 }' | sort >"$tmp/exported"
check "exports = declarations of spiral.h" cmp "$tmp/declared" "$tmp/exported"
[ "$(wc -l <"$tmp/declared")" -gt 50 ] || bad "only $(wc -l <"$tmp/declared") functions declared?"

# --- pkg-config and the C example ------------------------------------------
export PKG_CONFIG_PATH="$dest$PKGCONFIGDIR" PKG_CONFIG_SYSROOT_DIR="$dest"
check "pkg-config --modversion spiral = $VERSION" \
    test "$(pkg-config --modversion spiral)" = "$VERSION"
cflags=$(pkg-config --cflags spiral)
libs=$(pkg-config --libs spiral)
slibs=$(pkg-config --static --libs spiral)
lexdir=$(pkg-config --variable=lexicondir spiral)
dictfile=$(pkg-config --variable=dictfile spiral)
check "lexicondir is the installed one" test -d "$lexdir/en"
check "dictfile is the installed one" test -f "$dictfile"
defs="-DSPIRAL_EXAMPLE_LEXICONS=\"$lexdir\" -DSPIRAL_EXAMPLE_DICT=\"$dictfile\""
warn="-std=c11 -Wall -Wextra -Wpedantic -Werror"
# shellcheck disable=SC2086
check "examples/score.c against libspiral.so" \
    $CC $warn $SANFLAGS $defs -o "$tmp/score" "$dir/examples/score.c" $cflags $libs
# -l:libspiral.a: the static library even where the shared one is beside it,
# and all of it (--whole-archive), so that the rest of the line, what
# spiral.pc says a static link needs, must resolve every module's symbols.
# shellcheck disable=SC2086
check "examples/score.c against libspiral.a (pkg-config --static)" \
    $CC $warn $SANFLAGS $defs -o "$tmp/score-static" "$dir/examples/score.c" $cflags \
    $(printf '%s\n' "$slibs" |
      sed 's/-lspiral\b/-Wl,--whole-archive -l:libspiral.a -Wl,--no-whole-archive/')
check "score (static) needs no libspiral.so" \
    sh -c "! readelf -d '$tmp/score-static' | grep -q 'NEEDED.*libspiral'"
check "score (shared) needs $SONAME" sh -c "readelf -d '$tmp/score' | grep -q 'NEEDED.*\\[$SONAME\\]'"

# The installed program and the two builds of the example agree.
bin=$dest$BINDIR/spiral
env -u SPIRAL_LEXICONS -u SPIRAL_DICT "$bin" score --format lines --keep-duplicates \
    <"$here/statements.txt" >"$tmp/cli.jsonl" 2>"$tmp/cli.err"
check "installed spiral score runs (data found next to it)" test -s "$tmp/cli.jsonl"
check "installed spiral found its dictionary" sh -c "! grep -q 'dictionary' '$tmp/cli.err'"
env -u SPIRAL_LEXICONS -u SPIRAL_DICT LD_LIBRARY_PATH="$lib" "$tmp/score" \
    <"$here/statements.txt" >"$tmp/shared.tsv" 2>"$tmp/shared.err"
check "score (shared) = installed spiral score" python3 "$here/compare.py" "$tmp/shared.tsv" "$tmp/cli.jsonl"
env -u SPIRAL_LEXICONS -u SPIRAL_DICT "$tmp/score-static" <"$here/statements.txt" \
    >"$tmp/static.tsv" 2>"$tmp/static.err"
check "score (static) = score (shared)" cmp "$tmp/shared.tsv" "$tmp/static.tsv"
check "score loaded the dictionary" test ! -s "$tmp/shared.err"

# The installed program reads the installed lexicons, not some other copy:
# an entry added to them scores.
printf 'zqxjkw\tthreat.force\t3\n' >>"$data/lexicons/en/threat.tsv"
echo 'They threatened zqxjkw.' | env -u SPIRAL_LEXICONS "$bin" score --format lines -q \
    >"$tmp/probe.jsonl" 2>&1
check "installed spiral uses <exe>/../share/spiral/lexicons" grep -q '"text":"zqxjkw"' "$tmp/probe.jsonl"
check "spiral --version" test "$("$bin" --version)" = "spiral $VERSION"
check "installed spiral lexicon check" "$bin" lexicon check "$data/lexicons/actors.tsv"

# --- C++ and the example of spiral(3) --------------------------------------
if command -v "${CXX%% *}" >/dev/null 2>&1; then
    cat >"$tmp/v.cc" <<'EOF'
#include <cstring>
#include <iostream>
#include <spiral.h>

int main()
{
    spiral_session_opts o = SPIRAL_SESSION_OPTS_INIT;
    spiral_session *s = nullptr;
    spiral_error err;
    const spiral_doc *doc = nullptr;
    const char text[] = "We firmly oppose the sanctions.";
    size_t n = 0;

    if (std::strcmp(spiral_version(), SPIRAL_VERSION) != 0)
        return 1;
    if (spiral_session_new(&s, nullptr, nullptr, &o, &err) != SPIRAL_OK)
        return 2;
    if (spiral_session_analyze(s, text, sizeof text - 1, "en", &doc, &err) != SPIRAL_OK)
        return 3;
    spiral_doc_tokens(doc, &n);
    std::cout << spiral_version() << " " << n << "\n";
    spiral_session_free(s);
    return n == 6 ? 0 : 4;
}
EOF
    # shellcheck disable=SC2086
    check "a C++11 program against libspiral" \
        $CXX -std=c++11 -Wall -Wextra -Werror $SANFLAGS -o "$tmp/v" "$tmp/v.cc" $cflags $libs
    check "the C++ program runs" env LD_LIBRARY_PATH="$lib" "$tmp/v"
else
    echo "install: no C++ compiler: the C++ program skipped"; skip=$((skip + 1))
fi
# The EXAMPLES of spiral(3), as printed, with the staged paths.
sed -n '/^\.SH EXAMPLES/,/^\.fi/p' "$dir/man/spiral.3" | sed '1,/^\.nf/d; /^\.fi/d' |
    sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e "s|/usr/local/share/spiral|$SPIRAL_DATADIR|g" \
        -e "s|\"$SPIRAL_DATADIR|\"$dest$SPIRAL_DATADIR|g" >"$tmp/man3.c"
# shellcheck disable=SC2086
check "the example of spiral(3) compiles" \
    $CC $warn $SANFLAGS -o "$tmp/man3" "$tmp/man3.c" $cflags $libs
check "the example of spiral(3) runs" sh -c \
    "LD_LIBRARY_PATH='$lib' '$tmp/man3' | grep -q '^threat [0-9.]* reassurance 0.00 tone -[0-9.]* threat\$'"

# --- Python through ctypes, with the data found by pkg-config --------------
if command -v python3 >/dev/null 2>&1; then
    LD_PRELOAD=$preload python3 "$dir/examples/score.py" --lib "$lib/$SONAME" \
        <"$here/statements.txt" >"$tmp/py.tsv" 2>"$tmp/py.err"
    check "examples/score.py with the installed library = score.c" cmp "$tmp/shared.tsv" "$tmp/py.tsv"
else
    echo "install: python3 not found: examples/score.py skipped"; skip=$((skip + 1))
fi

# --- man pages -------------------------------------------------------------
check "installed man pages" "$here/man.sh" "$dest$MANDIR/man1/spiral.1" \
    "$dest$MANDIR/man3/spiral.3" "$dest$MANDIR/man5/spiral-lexicon.5"
if command -v man >/dev/null 2>&1; then
    check "man finds spiral-lexicon(5) under MANDIR" \
        test "$(MANPATH="$dest$MANDIR" man -w 5 spiral-lexicon)" = "$dest$MANDIR/man5/spiral-lexicon.5"
fi

# --- uninstall -------------------------------------------------------------
check "make uninstall" $MAKE --no-print-directory -s uninstall DESTDIR="$dest"
find "$dest" ! -type d >"$tmp/left"
check "nothing left after uninstall" test ! -s "$tmp/left"
[ -s "$tmp/left" ] && sed 's/^/    /' "$tmp/left"

echo "install: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
