# qgdc — one Makefile. `make` builds ./qgdc; `make DEBUG=1` builds
# build/debug/qgdc with AddressSanitizer, UBSan (clang's when installed) and the IR verifier.
# `make test` runs the unit tests and the golden/error tests.

DEBUG ?= 0
ifeq ($(DEBUG),1)
  BUILD := build/debug
  # clang's UBSan catches what gcc's misses (arithmetic on a null pointer,
  # float-to-integer overflow): the sanitizer build uses it when installed
  # and CC is not given
  ifeq ($(origin CC),default)
    CC := $(if $(shell command -v clang 2>/dev/null),clang,cc)
  endif
  OPT   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DQGDC_DEBUG=1
  LDOPT := -fsanitize=address,undefined
  QGDC  := $(BUILD)/qgdc
else
  BUILD := build/release
  OPT   := -O2 -g
  LDOPT :=
  QGDC  := ./qgdc
endif

CC      ?= cc
PKGS    := gmp lapacke gsl
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) -fopenmp -MMD -MP \
                 -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS  := $(CFLAGS_COMMON) $(WARN) -Werror=implicit-function-declaration
GENFLAGS := $(CFLAGS_COMMON) -Wno-unused-function -Wno-sign-compare -Wno-implicit-fallthrough
LDLIBS  := $(LDOPT) -fopenmp -lgsl -llapacke -lopenblas -lgmp -lz -lm

SRC_DIRS := src/support src/frontend src/ir src/passes src/pipeline src/report src/codegen src/sim src/synth src/driver
LIB_SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
LIB_SRCS := $(filter-out src/driver/main.c,$(LIB_SRCS))
# Every grammar src/frontend/NAME_parser.y and scanner NAME_lexer.l is
# generated into $(BUILD)/gen (the .qgd language; OpenQASM 3 when present).
GRAMMARS := $(patsubst src/frontend/%_parser.y,%,$(wildcard src/frontend/*_parser.y))
GEN_SRCS := $(foreach g,$(GRAMMARS),$(BUILD)/gen/$(g)_parser.c $(BUILD)/gen/$(g)_lexer.c)
GEN_HDRS := $(GEN_SRCS:.c=.h)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:.c=.o)
MAIN_OBJ := $(BUILD)/src/driver/main.o

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(BUILD)/unit_tests

.PHONY: all test unit golden fuzz bench clean
# The generated parsers and scanners are real targets, not intermediates:
# make must not delete them (and so rebuild everything) after a build.
.SECONDARY:
all: $(QGDC)

$(BUILD)/qgdc: $(MAIN_OBJ) $(LIB_OBJS)
	$(CC) -o $@ $^ $(LDLIBS)

ifneq ($(DEBUG),1)
./qgdc: $(BUILD)/qgdc
	cp $< $@.tmp && mv -f $@.tmp $@
endif

# Pattern rules with several targets run their recipe once for all of them.
$(BUILD)/gen/%_parser.c $(BUILD)/gen/%_parser.h: src/frontend/%_parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/$*_parser.h -o $(BUILD)/gen/$*_parser.c $<

$(BUILD)/gen/%_lexer.c $(BUILD)/gen/%_lexer.h: src/frontend/%_lexer.l
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/$*_lexer.h -o $(BUILD)/gen/$*_lexer.c $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c $(GEN_HDRS)
	$(CC) $(GENFLAGS) -c -o $@ $<

# Everything in src/ may include the generated headers.
$(BUILD)/src/%.o: src/%.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -c -o $@ $<

# The suites: every `void suite_NAME(void)` defined in tests/unit/*.c.
$(BUILD)/gen/unit_suites.h: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	sed -n 's/^void \(suite_[A-Za-z0-9_]*\)(void)$$/SUITE(\1)/p' $(UNIT_SRCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/unit_main.o: $(BUILD)/gen/unit_suites.h

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) -o $@ $^ -lcunit $(LDLIBS)

unit: $(UNIT_BIN)
	cd tests && ../$(UNIT_BIN)

golden: $(QGDC)
	sh tests/run_golden.sh $(QGDC)

test: $(UNIT_BIN) $(QGDC)
	@sh tests/run_all.sh $(UNIT_BIN) $(QGDC)

# The QDK interop test (tests/interop/README.md): installs the pinned
# qsharp-lang with npm ci when needed and checks qgdc's circuits against
# Microsoft's QDK; without node it prints "interop: node not found, skipped".
.PHONY: interop
interop: $(QGDC)
	@QGDC=$(QGDC) bash tests/interop/run.sh

# Benchmarks: every bench/NAME.c is a program linked with the library;
# `make bench` builds and runs them all (results go in docs/bench.md).
# libquantum_bench.c needs Debian's libquantum-dev: built and run only when
# <quantum.h> is found. The QDK simulator's timing (qdk_sim_bench.mjs) runs
# only when node and tests/interop/node_modules (make interop) are there.
BENCH_SRCS := $(filter-out bench/libquantum_bench.c,$(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
LQ_BENCH   := $(BUILD)/bench/libquantum_bench

$(BUILD)/bench/%: bench/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(LQ_BENCH): bench/libquantum_bench.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) -lquantum $(LDLIBS)

bench: $(BENCH_BINS) $(QGDC)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; echo; done
	@echo "== bench/threads_load.sh"; bash bench/threads_load.sh $(QGDC) examples/poly1.qgd 5 || exit 1; echo
	@echo "== bench/techniques.sh"; sh bench/techniques.sh $(QGDC) || exit 1; echo
	@if printf '#include <quantum.h>\n' | $(CC) -E -x c - >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(LQ_BENCH) && echo "== $(LQ_BENCH)" && $(LQ_BENCH) || exit 1; \
	else echo "== libquantum: skipped (no <quantum.h>: apt-get install libquantum-dev)"; fi; echo
	@if command -v node >/dev/null 2>&1 && [ -f tests/interop/node_modules/qsharp-lang/package.json ]; then \
	  echo "== bench/qdk_sim_bench.mjs"; node bench/qdk_sim_bench.mjs --qgdc $(QGDC) || exit 1; \
	else echo "== QDK simulator: skipped (needs node and tests/interop/node_modules: make interop installs them)"; fi

# libFuzzer harnesses: tests/fuzz/NAME_fuzz.c for each NAME in FUZZ_TARGETS
# (qgd: the .qgd front end; qasm: the OpenQASM reader through elaboration,
# lowering and counting). `make fuzz` runs each for FUZZ_SECONDS with its
# dictionary tests/fuzz/NAME.dict and its own corpus, seeded from the inputs
# of that language in the examples, the tests and tests/fuzz/regressions/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= qgd qasm
FUZZ_BUILD := build/fuzz
FUZZ_SRCS := $(filter-out src/driver/%,$(LIB_SRCS))
FUZZ_SEEDS_qgd  := examples/*.qgd tests/golden/*.qgd tests/errors/*.qgd tests/fuzz/regressions/*.qgd
FUZZ_SEEDS_qasm := tests/interop/circuits/*.qasm tests/interop/circuits/qasm2/*.qasm tests/golden/*.qasm tests/errors/*.qasm tests/fuzz/regressions/*.qasm
fuzz:
	@mkdir -p $(FUZZ_BUILD)/gen
	for g in $(GRAMMARS); do \
	  bison --defines=$(FUZZ_BUILD)/gen/$${g}_parser.h -o $(FUZZ_BUILD)/gen/$${g}_parser.c src/frontend/$${g}_parser.y && \
	  flex --header-file=$(FUZZ_BUILD)/gen/$${g}_lexer.h -o $(FUZZ_BUILD)/gen/$${g}_lexer.c src/frontend/$${g}_lexer.l || exit 1; \
	done
	for t in $(FUZZ_TARGETS); do \
	  clang -std=c11 -D_POSIX_C_SOURCE=200809L -DQGDC_FUZZ=1 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fopenmp \
	    -Isrc -I$(FUZZ_BUILD)/gen -w -o $(FUZZ_BUILD)/$${t}_fuzz tests/fuzz/$${t}_fuzz.c $(FUZZ_SRCS) \
	    $(foreach g,$(GRAMMARS),$(FUZZ_BUILD)/gen/$(g)_parser.c $(FUZZ_BUILD)/gen/$(g)_lexer.c) $(LDLIBS) || exit 1; \
	done
	@mkdir -p $(foreach t,$(FUZZ_TARGETS),$(FUZZ_BUILD)/$(t)_corpus)
	$(foreach t,$(FUZZ_TARGETS),cp $(FUZZ_SEEDS_$(t)) $(FUZZ_BUILD)/$(t)_corpus/ 2>/dev/null || true;)
	for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	    -dict=tests/fuzz/$$t.dict -artifact_prefix=$(FUZZ_BUILD)/$${t}- $(FUZZ_BUILD)/$${t}_corpus || exit 1; \
	done

# `make install PREFIX=/usr/local` (DESTDIR for staging): the binary, the
# documentation and the examples.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DOCDIR ?= $(PREFIX)/share/doc/qgdc
.PHONY: install uninstall
install: ./qgdc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)/docs
	install -m 755 ./qgdc $(DESTDIR)$(BINDIR)/qgdc
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 docs/*.md docs/*.svg $(DESTDIR)$(DOCDIR)/docs/
	cp -R examples/. $(DESTDIR)$(DOCDIR)/examples/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/qgdc
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build qgdc

-include $(shell find build -name '*.d' 2>/dev/null)
