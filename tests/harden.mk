# tests/harden.mk - fuzzing, leak checks and the hardening tests (issue 8),
# included by the Makefile.
#
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_JOBS=J]  build every libFuzzer harness
#                  under tests/fuzz/ (clang, ASan + UBSan) and run each for N
#                  seconds (default 60), J at a time (default 1); corpora,
#                  logs, crashes and a summary go to build/fuzz/
#   make fuzz-build    only build them
#   make memcheck      the Check suites and a few CLI runs under valgrind
#   make bench-memory  peak RSS of `spiral score` over 1 GB (not a test)
#
# `make check` also replays every seed and kept regression through the
# harnesses (built with the ordinary compiler, see tests/fuzz/replay.c) and
# runs the nothing-lost test (tests/nothing_lost.py).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_DIR      = build/fuzz
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -g -O1 -Wall -Wextra $(FUZZ_SAN) -MMD -MP
FUZZ_DEFS     = -DSPIRAL_SRCDIR='"$(CURDIR)"' -DSPIRAL_FUZZ_DICT='"$(CURDIR)/$(DICT)"'
# Harnesses for readers still to come are built once their module exists.
FUZZ_CORE     = jsonl lines lexicon normalize_segment score cli
FUZZ_MORE     = $(if $(wildcard src/ingest_html.c),html) \
                $(if $(wildcard src/ingest_feed.c),feed) \
                $(if $(wildcard src/ingest_csv.c),csv)
FUZZ_NAMES    = $(FUZZ_CORE) $(strip $(FUZZ_MORE))
FUZZ_BINS     = $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_LIB_OBJ  = $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/$(T2S_C:.c=.o)
FUZZ_CLI_OBJ  = $(filter-out %/main.o,$(CLI_SRC:%.c=$(FUZZ_DIR)/obj/%.o)) \
                $(FUZZ_DIR)/obj/cli_main.o

# Keep the objects make would otherwise delete as intermediates.
.SECONDARY:

.PHONY: fuzz fuzz-deps fuzz-build fuzz-replay memcheck bench-memory nothing-lost

fuzz-deps:
	@scripts/deps.sh clang libclang-rt-14-dev

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_NAMES)

fuzz-build: $(FUZZ_BINS) $(DICT)

$(FUZZ_DIR)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_DEFS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/cli_main.o: src/cli/main.c | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -Dmain=spiral_cli_main -fsanitize=fuzzer-no-link \
	    -c $< -o $@

$(FUZZ_DIR)/libspiral.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_cli: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_cli.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz_util.o \
                      $(FUZZ_CLI_OBJ) $(FUZZ_DIR)/libspiral.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_DIR)/libspiral.a $(LIBS)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz_util.o \
                    $(FUZZ_DIR)/libspiral.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_DIR)/libspiral.a $(LIBS)

# Replay: the same harnesses built by $(CC) with tests/fuzz/replay.c for a
# main, run over tests/fuzz/seeds/NAME and tests/fuzz/regressions/NAME.
REPLAY_DIR  = $(BUILD)/replay
REPLAY_BINS = $(FUZZ_NAMES:%=$(REPLAY_DIR)/replay_%)
REPLAY_CLI_OBJ = $(filter-out %/main.o,$(CLI_OBJ)) $(REPLAY_DIR)/cli_main.o

$(REPLAY_DIR)/%.o: tests/fuzz/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(FUZZ_DEFS) $(ALL_CFLAGS) -c $< -o $@

$(REPLAY_DIR)/cli_main.o: src/cli/main.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Dmain=spiral_cli_main -Wno-missing-prototypes -c $< -o $@

$(REPLAY_DIR)/replay_cli: $(REPLAY_DIR)/fuzz_cli.o $(REPLAY_DIR)/fuzz_util.o \
                          $(REPLAY_DIR)/replay.o $(REPLAY_CLI_OBJ) $(BUILD)/libspiral.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libspiral.a $(LIBS)

$(REPLAY_DIR)/replay_%: $(REPLAY_DIR)/fuzz_%.o $(REPLAY_DIR)/fuzz_util.o $(REPLAY_DIR)/replay.o \
                        $(BUILD)/libspiral.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libspiral.a $(LIBS)

fuzz-replay: $(REPLAY_BINS) $(DICT)
	@for h in $(FUZZ_NAMES); do \
	    dirs=""; \
	    for d in tests/fuzz/seeds/$$h tests/fuzz/regressions/$$h; do \
	        [ -d $$d ] && dirs="$$dirs $$d"; \
	    done; \
	    [ -z "$$dirs" ] && continue; \
	    $(REPLAY_DIR)/replay_$$h $$dirs || exit 1; \
	done

nothing-lost: all
	python3 tests/nothing_lost.py $(BUILD)/spiral

# valgrind over the Check suites (in-process: CK_FORK=no) and a few CLI runs.
memcheck: deps
	@scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory all $(BUILD)/run_tests
	rm -rf $(TEST_CACHE)
	scripts/memcheck.sh $(BUILD)

bench-memory: all
	scripts/bench-memory.sh $(BUILD)/spiral

# Header dependencies of the fuzz and replay objects.
-include $(wildcard $(FUZZ_DIR)/obj/src/*.d $(FUZZ_DIR)/obj/src/cli/*.d \
                    $(FUZZ_DIR)/obj/tests/fuzz/*.d $(FUZZ_DIR)/obj/*.d $(REPLAY_DIR)/*.d)
