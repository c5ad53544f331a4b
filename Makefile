# spiral - one flat Makefile, objects in build/, dependencies from pkg-config.
#
#   make            build build/libspiral.a and build/spiral
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, build, run the demo corpus
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan (build/san/)
#   make eval / eval-seg    validity figures (need ../shared)
#   make report-check       the demo report rendered by headless Chromium

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
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)
LIBS         = $(PKG_LIBS) -lcsv -lm -lpthread

LIB_SRC  = $(sort $(wildcard src/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c)) tests/run_tests.c tests/testutil.c
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
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

test: all $(BUILD)/run_tests
	$(BUILD)/run_tests
	tests/golden/run.sh $(BUILD)/spiral

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

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
