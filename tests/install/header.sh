#!/bin/sh
# header.sh - include/spiral.h compiles on its own, as strict C11 and as
# C++11, with every warning an error.
#
# The translation unit includes nothing but the header, uses each options
# macro (so that a field added to a struct but not to its _INIT macro is a
# -Wmissing-field-initializers error) and takes the address of a few
# functions (so that every declaration is well-formed in both languages).
#
# Usage: tests/install/header.sh CC CXX
set -u
cc=${1:-cc}
cxx=${2:-c++}
dir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

cat >"$tmp/t.c" <<'TU'
#include "spiral.h"
#include "spiral.h" /* twice: the include guard */

int spiral_header_test(void);

int spiral_header_test(void)
{
    spiral_read_opts r = SPIRAL_READ_OPTS_INIT;
    spiral_session_opts s = SPIRAL_SESSION_OPTS_INIT;
    spiral_context c = SPIRAL_CONTEXT_INIT;
    spiral_compare_opts co = SPIRAL_COMPARE_OPTS_INIT;
    spiral_track_opts t = SPIRAL_TRACK_OPTS_INIT;
    spiral_report_opts ro = SPIRAL_REPORT_OPTS_INIT;
    const char *(*version)(void) = spiral_version;
    int (*analyze)(spiral_session *, const char *, size_t, const char *,
                   const spiral_doc **, spiral_error *) = spiral_session_analyze;
    void (*lexicon_free)(spiral_lexicon *) = spiral_lexicon_free;

    (void)r; (void)s; (void)c; (void)co; (void)t; (void)ro;
    (void)version; (void)analyze; (void)lexicon_free;
    return SPIRAL_VERSION_MAJOR * 10000 + SPIRAL_VERSION_MINOR * 100 + SPIRAL_VERSION_PATCH;
}
TU
cp "$tmp/t.c" "$tmp/t.cc"

run() { # name command...
    name=$1; shift
    if "$@" >"$tmp/log" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL header: $name: $*"
        cat "$tmp/log"
    fi
}

run "C11" $cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$dir/include" -c "$tmp/t.c" -o "$tmp/c.o"
run "C99 (for older callers)" $cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$dir/include" \
    -c "$tmp/t.c" -o "$tmp/c99.o"
if command -v "${cxx%% *}" >/dev/null 2>&1; then
    run "C++11" $cxx -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$dir/include" \
        -c "$tmp/t.cc" -o "$tmp/cc.o"
    # extern "C": the C++ object refers to the C names, unmangled
    if [ -f "$tmp/cc.o" ]; then
        run "C++ linkage" sh -c "nm '$tmp/cc.o' | grep -q ' U spiral_session_analyze\$'"
    fi
else
    fail=$((fail + 1))
    echo "FAIL header: no C++ compiler '$cxx' (scripts/deps.sh installs g++)"
fi
# Every function is documented: its declaration carries a comment, follows
# one (a comment ending on the line before), or follows another declaration
# of a group that one comment introduces.
run "every declaration documented" awk '
    /^\/\*/ || /^ \*/ || /\*\/[ ]*$/ { doc = 1; next }
    /^[a-z].*[ *]spiral_[a-z0-9_]*\(/ {
        if (!doc && $0 !~ /\/\*/) { print FILENAME ":" NR ": undocumented: " $0; bad = 1 }
        doc = 1; next     # the next declaration may share the comment
    }
    /^[ ]+[^ ]/ && doc { next } # a declaration continued
    { doc = 0 }
    END { exit bad }' "$dir/include/spiral.h"

echo "header: $pass passed, $fail failed"
[ "$fail" = 0 ]
