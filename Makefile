# spiral - one flat Makefile, objects in build/, dependencies from pkg-config.
#
#   make            build build/libspiral.a and build/spiral
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, run the demo corpus
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan (build/san/)
#   make eval / eval-seg    validity figures (need ../shared)
#   make report-check       the demo report rendered by headless Chromium
#   make install [PREFIX=/usr/local] [DESTDIR=]   program, libraries, header,
#                           spiral.pc, lexicons, dictionary and man pages;
#                           make uninstall removes them (see "Installing")

SHARED  ?= ../shared
PKGS     = libpcre2-8 libxml-2.0 libutf8proc jansson opencc sqlite3
SANITIZE ?=

ifeq ($(SANITIZE),1)
BUILD    = build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    = build
SANFLAGS =
endif

# pkg-config is asked when a recipe runs (recursive '='), after `deps` has
# had the chance to install what is missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CHECK_LIBS = $(shell pkg-config --libs check)

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Werror
ALL_CPPFLAGS = -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -DPCRE2_CODE_UNIT_WIDTH=8 \
               $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SANFLAGS) -fPIC -MMD -MP
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)
LIBS         = $(PKG_LIBS) -lcsv -lm -lpthread

LIB_SRC  = $(sort $(wildcard src/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c)) tests/run_tests.c tests/testutil.c
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/t2s_table.o
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o)

DICT     = build/zh.dict
JIEBA    = /usr/lib/python3/dist-packages/jieba

.PHONY: all deps check test demo eval eval-seg bench clean report-check

all: $(BUILD)/libspiral.a $(BUILD)/spiral $(DICT)

deps:
	@scripts/deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libspiral.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/spiral: $(CLI_OBJ) $(BUILD)/libspiral.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libspiral.a $(LIBS)

# The Chinese dictionary is built from jieba's (python3-jieba, MIT) plus our
# own additions; see lexicons/README.md.
$(DICT): scripts/build-dict.py lexicons/zh/dict-extra.tsv | deps
	@mkdir -p build
	python3 scripts/build-dict.py $(JIEBA) lexicons/zh/dict-extra.tsv $@

# Which Han characters OpenCC's Traditional-to-Simplified conversion changes,
# asked of the installed OpenCC at build time (scripts/gen-t2s.c).
T2S_C = build/gen/t2s_table.c

build/gen-t2s: scripts/gen-t2s.c | deps
	@mkdir -p build
	$(CC) $(ALL_CPPFLAGS) $(WARN) -O2 -o $@ $< $(PKG_LIBS)

$(T2S_C): build/gen-t2s
	@mkdir -p $(dir $@)
	build/gen-t2s > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/t2s_table.o: $(T2S_C) src/t2s.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# Check suites are discovered from their `Suite *name_suite(void)` lines.
$(BUILD)/tests/suites.inc: $(sort $(wildcard tests/test_*.c))
	@mkdir -p $(dir $@)
	sed -n 's/^Suite \*\([a-z0-9_]*\)_suite(void)$$/SUITE(\1)/p' $^ > $@

$(TEST_OBJ): $(BUILD)/tests/suites.inc
$(BUILD)/tests/%.o: ALL_CPPFLAGS += -I$(BUILD)/tests -DSPIRAL_BUILD_DIR='"$(BUILD)"'

$(BUILD)/run_tests: $(TEST_OBJ) $(BUILD)/libspiral.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libspiral.a $(LIBS) $(CHECK_LIBS)

check: deps
	@$(MAKE) --no-print-directory test

# The tests keep the compiled lexicon cache under the build directory,
# never in the user's; the golden tests run twice, from an empty cache
# (built from the files, and written) and then from the written one.
TEST_CACHE = $(abspath $(BUILD))/test-cache
test memcheck: export SPIRAL_CACHE_DIR = $(TEST_CACHE)

test: all $(BUILD)/run_tests
	$(BUILD)/run_tests
	rm -rf $(TEST_CACHE)
	tests/golden/run.sh $(BUILD)/spiral
	tests/golden/run.sh $(BUILD)/spiral
	tests/parallel.sh $(BUILD)/spiral

demo: deps
	@$(MAKE) --no-print-directory all
	scripts/demo.sh $(BUILD)/spiral

eval-seg: all
	scripts/eval-seg.sh $(BUILD)/spiral $(SHARED)

eval: all
	@if [ -d $(SHARED)/eval ]; then \
	    for g in en_dev zh_dev; do $(BUILD)/spiral eval $(SHARED)/eval/$$g.tsv || exit 1; echo; done; \
	    $(BUILD)/spiral eval --cameo $(SHARED)/eval/cameo_gold.tsv; \
	else echo "eval: $(SHARED)/eval not found; skipped"; fi

# The demo report opened in headless Chromium (Debian's chromium, installed
# when missing): the DOM it builds must hold the pair's section and charts
# and no script; the screenshot is left for a person to look at.  Not part
# of `make check`.  Network access is cut off by the resolver rules, so a
# page that needed anything from outside would render incomplete.
CHROMIUM_FLAGS = --headless --no-sandbox --disable-gpu --disable-background-networking \
                 --disable-component-update --no-first-run \
                 --host-resolver-rules="MAP * ~NOTFOUND"
report-check: demo
	@scripts/deps.sh chromium fonts-wqy-zenhei
	@set -e; dir=build/report-check; mkdir -p $$dir; \
	prof=$$(mktemp -d); trap 'rm -rf "$$prof"' EXIT; \
	page=file://$(CURDIR)/build/demo/report.html; \
	timeout 120 chromium $(CHROMIUM_FLAGS) --user-data-dir=$$prof --dump-dom $$page \
	    > $$dir/dom.html 2> $$dir/chromium.log; \
	grep -q 'id="pair-ARV-BEL"' $$dir/dom.html || { echo "report-check: no ARV-BEL section"; exit 1; }; \
	test "$$(grep -c '<svg' $$dir/dom.html)" -ge 2 || { echo "report-check: charts missing"; exit 1; }; \
	! grep -q '<script' $$dir/dom.html || { echo "report-check: a script in the page"; exit 1; }; \
	timeout 120 chromium $(CHROMIUM_FLAGS) --user-data-dir=$$prof --window-size=1000,2600 \
	    --screenshot=$$dir/report.png $$page >> $$dir/chromium.log 2>&1; \
	test -s $$dir/report.png || { echo "report-check: no screenshot"; exit 1; }; \
	echo "report-check: Chromium rendered build/demo/report.html; screenshot $$dir/report.png"

bench: all
	scripts/bench.sh $(BUILD)/spiral $(SHARED)
# Fuzzing, memcheck and the hardening tests: tests/harden.mk.
include tests/harden.mk
test: fuzz-replay nothing-lost

clean:
	rm -rf build

# ------------------------------------------------------------------
# Installing (issue 9): the program, libspiral.a and libspiral.so.N built
# from the same (position-independent) objects, the header, spiral.pc, the
# lexicons and the compiled dictionary under $(PREFIX)/share/spiral (where
# the installed program finds them next to itself, or at the compiled-in
# SPIRAL_DATADIR), and the man pages.  DESTDIR stages the whole tree.
# ------------------------------------------------------------------

PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATAROOTDIR  ?= $(PREFIX)/share
MANDIR       ?= $(DATAROOTDIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SPIRAL_DATADIR = $(DATAROOTDIR)/spiral

# The release comes from the header (SPIRAL_VERSION); the soname's number
# is the ABI's, raised when a release breaks binary compatibility.
VERSION   := $(shell sed -n 's/^.define SPIRAL_VERSION "\(.*\)"$$/\1/p' include/spiral.h)
SOVERSION  = 0
SONAME     = libspiral.so.$(SOVERSION)
SHLIB      = $(BUILD)/libspiral.so.$(VERSION)

LEXICON_FILES = $(sort $(wildcard lexicons/README.md lexicons/*.tsv lexicons/en/*.tsv \
                                  lexicons/zh/*.tsv))
MAN_PAGES     = man/spiral.1 man/spiral.3 man/spiral-lexicon.5
MAN_OUT       = $(MAN_PAGES:man/%=$(BUILD)/man/%)

.PHONY: install uninstall header-check examples-check install-check man-check FORCE

all: $(BUILD)/libspiral.so $(BUILD)/spiral.pc $(MAN_OUT)

# Objects are rebuilt when the compiler or its flags change (a tree built
# before -fPIC, a switch of CC); the program's data directory follows the
# installation directories.
$(BUILD)/cflags.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS)' > $@
$(BUILD)/dirs.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(SPIRAL_DATADIR)' | cmp -s - $@ || \
	    echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(SPIRAL_DATADIR)' > $@
$(LIB_OBJ) $(CLI_OBJ) $(TEST_OBJ): $(BUILD)/cflags.stamp
$(BUILD)/src/cli/common.o: $(BUILD)/dirs.stamp
$(BUILD)/src/cli/common.o: ALL_CPPFLAGS += -DSPIRAL_DATADIR='"$(SPIRAL_DATADIR)"'

# Only the functions of include/spiral.h are exported from the shared
# library; the modules' internal spiral_* functions stay local.
$(BUILD)/libspiral.map: include/spiral.h
	@mkdir -p $(@D)
	{ echo '{'; echo '  global:'; \
	  $(CC) -E -P include/spiral.h | grep -o '\bspiral_[a-z0-9_]*[ ]*(' | tr -d ' (' | \
	      sort -u | sed 's/^/    /; s/$$/;/'; \
	  echo '  local: *;'; echo '};'; } > $@

$(SHLIB): $(LIB_OBJ) $(BUILD)/libspiral.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(BUILD)/libspiral.map \
	    -Wl,--no-undefined $(ALL_LDFLAGS) -o $@ $(LIB_OBJ) $(LIBS)
$(BUILD)/$(SONAME): $(SHLIB)
	ln -sf $(notdir $(SHLIB)) $@
$(BUILD)/libspiral.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

# pkg-config: Requires.private and Libs.private are what a static link
# (pkg-config --static) needs besides libspiral.a.  lexicondir and dictfile
# tell programs where the shipped data is.
$(BUILD)/spiral.pc: Makefile include/spiral.h $(BUILD)/dirs.stamp
	@mkdir -p $(@D)
	{ echo 'prefix=$(PREFIX)'; \
	  echo 'libdir=$(LIBDIR)'; \
	  echo 'includedir=$(INCLUDEDIR)'; \
	  echo 'datarootdir=$(DATAROOTDIR)'; \
	  echo 'lexicondir=$${datarootdir}/spiral/lexicons'; \
	  echo 'dictfile=$${datarootdir}/spiral/zh.dict'; \
	  echo; \
	  echo 'Name: spiral'; \
	  echo 'Description: Threat and reassurance in diplomatic statements (English, Chinese)'; \
	  echo 'Version: $(VERSION)'; \
	  echo 'Requires.private: $(PKGS)'; \
	  echo 'Cflags: -I$${includedir}'; \
	  echo 'Libs: -L$${libdir} -lspiral'; \
	  echo 'Libs.private: -lcsv -lm -lpthread'; } | \
	sed 's|=$(PREFIX)/|=$${prefix}/|' > $@

# The man pages name the installed paths: those of this PREFIX.
$(BUILD)/man/%: man/% $(BUILD)/dirs.stamp
	@mkdir -p $(@D)
	sed -e 's|/usr/local/share/spiral|$(SPIRAL_DATADIR)|g' \
	    -e 's|/usr/local/include|$(INCLUDEDIR)|g' -e 's|/usr/local/lib|$(LIBDIR)|g' $< > $@

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(SPIRAL_DATADIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BUILD)/spiral $(DESTDIR)$(BINDIR)/spiral
	install -m 644 $(BUILD)/libspiral.a $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libspiral.so
	install -m 644 include/spiral.h $(DESTDIR)$(INCLUDEDIR)/spiral.h
	install -m 644 $(BUILD)/spiral.pc $(DESTDIR)$(PKGCONFIGDIR)/spiral.pc
	for f in $(LEXICON_FILES); do \
	    install -D -m 644 $$f $(DESTDIR)$(SPIRAL_DATADIR)/$$f || exit 1; done
	install -m 644 $(DICT) $(DESTDIR)$(SPIRAL_DATADIR)/zh.dict
	install -m 644 $(BUILD)/man/spiral.1 $(DESTDIR)$(MANDIR)/man1/spiral.1
	install -m 644 $(BUILD)/man/spiral.3 $(DESTDIR)$(MANDIR)/man3/spiral.3
	install -m 644 $(BUILD)/man/spiral-lexicon.5 $(DESTDIR)$(MANDIR)/man5/spiral-lexicon.5
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
	    ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/spiral $(DESTDIR)$(LIBDIR)/libspiral.a \
	    $(DESTDIR)$(LIBDIR)/libspiral.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) $(DESTDIR)$(INCLUDEDIR)/spiral.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/spiral.pc $(DESTDIR)$(MANDIR)/man1/spiral.1 \
	    $(DESTDIR)$(MANDIR)/man3/spiral.3 $(DESTDIR)$(MANDIR)/man5/spiral-lexicon.5 \
	    $(DESTDIR)$(SPIRAL_DATADIR)/zh.dict
	rm -f $(LEXICON_FILES:%=$(DESTDIR)$(SPIRAL_DATADIR)/%)
	-rmdir $(DESTDIR)$(SPIRAL_DATADIR)/lexicons/en $(DESTDIR)$(SPIRAL_DATADIR)/lexicons/zh \
	    $(DESTDIR)$(SPIRAL_DATADIR)/lexicons $(DESTDIR)$(SPIRAL_DATADIR) 2>/dev/null

# The examples built in the tree, against build/.
$(BUILD)/examples/score: examples/score.c $(BUILD)/libspiral.a
	@mkdir -p $(@D)
	$(CC) -Iinclude $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ examples/score.c \
	    $(BUILD)/libspiral.a $(ALL_LDFLAGS) $(LIBS)

# Part of `make check`: the header alone as C11 and C++11, the examples,
# an installation into a temporary DESTDIR, the man pages.
header-check:
	tests/install/header.sh "$(CC)" "$(CXX)"

examples-check: all $(BUILD)/examples/score
	CC='$(CC)' tests/install/examples.sh $(BUILD) $(DICT) "$(SANITIZE)"

install-check: all
	MAKE='$(MAKE)' CC='$(CC)' CXX='$(CXX)' SANFLAGS='$(SANFLAGS)' SANITIZE='$(SANITIZE)' \
	VERSION='$(VERSION)' SONAME='$(SONAME)' PREFIX='$(PREFIX)' BINDIR='$(BINDIR)' \
	LIBDIR='$(LIBDIR)' INCLUDEDIR='$(INCLUDEDIR)' MANDIR='$(MANDIR)' \
	PKGCONFIGDIR='$(PKGCONFIGDIR)' SPIRAL_DATADIR='$(SPIRAL_DATADIR)' \
	    tests/install/install.sh

man-check:
	tests/install/man.sh $(MAN_PAGES)

test: header-check man-check examples-check install-check

FORCE:

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
