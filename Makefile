# tezgah — build, run, test.
#   make run    install what is missing, build, fetch the datasets, start the REPL
#   make test   install what is missing, build, run every test
# The engine (src/engine) is a static library with its own include path only; the
# layer check below fails the build if it ever reaches for SDL, readline, viz or repl.

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -std=c11 -fopenmp-simd -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -D_GNU_SOURCE
BUILD   ?= build
PKGS_BUILD = build-essential pkg-config libreadline-dev libsdl2-dev libopenblas-dev libstb-dev fonts-dejavu-core
PKGS_TEST  = libcriterion-dev xvfb xdotool x11-utils tmux imagemagick fasttext
PKGS_DATA  = dict-gcide bible-kjv-text bible-kjv

BLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
STB_CFLAGS  := $(shell pkg-config --cflags stb 2>/dev/null || echo -I/usr/include/stb)
STB_LIBS    := $(shell pkg-config --libs stb 2>/dev/null || echo -lstb)
SDL_CFLAGS  := $(shell pkg-config --cflags sdl2 2>/dev/null || echo -I/usr/include/SDL2 -D_REENTRANT)
SDL_LIBS    := $(shell pkg-config --libs sdl2 2>/dev/null || echo -lSDL2)

ENGINE_SRC := $(shell find src/engine -name '*.c' | sort)
REPL_SRC   := $(sort $(wildcard src/repl/*.c)) $(sort $(wildcard src/viz/*.c)) src/main.c
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
REPL_OBJ   := $(REPL_SRC:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libtezgah.a
UNIT_SRC   := $(sort $(wildcard tests/unit/*.c))
# The REPL objects except main.o, so unit tests can call the parser and the command table.
REPL_LIBOBJ := $(filter-out $(BUILD)/src/main.o,$(REPL_OBJ))

.PHONY: all deps run test unit e2e datasets check-layers check-asan bench bench-word2vec bench-fasttext bench-viz bench-rnn bench-gpt bench-llama bench-transformers fuzz clean distclean

all: tezgah

deps:
	@./scripts/need-pkgs.sh $(PKGS_BUILD) $(PKGS_TEST)
	@command -v npm >/dev/null 2>&1 || ./scripts/need-pkgs.sh npm

# --- layering: engine sees only itself; viz never sees repl --------------------------
$(BUILD)/layers.ok: $(ENGINE_SRC) $(shell find src -name '*.h') scripts/check-layers.sh
	@./scripts/check-layers.sh
	@mkdir -p $(@D) && touch $@

check-layers: $(BUILD)/layers.ok

$(BUILD)/src/engine/%.o: src/engine/%.c | $(BUILD)/layers.ok
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(BLAS_CFLAGS) -Isrc/engine -MMD -MP -c $< -o $@

$(BUILD)/src/%.o: src/%.c | $(BUILD)/layers.ok
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(STB_CFLAGS) $(SDL_CFLAGS) $(BLAS_CFLAGS) -Isrc/engine -Isrc -MMD -MP -c $< -o $@

# The training loops are where the time goes: let the compiler unroll and vectorise them.
$(BUILD)/src/engine/models/word2vec.o: OPT = -O3
$(BUILD)/src/engine/models/ft_train.o: OPT = -O3
# The recurrent cells and the language model: their σ/tanh loops vectorise only when the compiler
# may assume that comparisons do not trap (they never do here: no FP exceptions are enabled).
$(BUILD)/src/engine/nn/recurrent.o: OPT = -O3 -fno-trapping-math
$(BUILD)/src/engine/models/rnnlm.o: OPT = -O3 -fno-trapping-math
# The Transformer's layers and the GPT: the same for GELU's σ, the softmax's exp and dropout; and
# a·b + c as one fused multiply-add (-std=c11 alone forbids that contraction: 1.3× slower GELU).
$(BUILD)/src/engine/nn/layers.o: OPT = -O3 -fno-trapping-math -ffp-contract=fast
$(BUILD)/src/engine/models/gpt.o: OPT = -O3 -fno-trapping-math -ffp-contract=fast
$(BUILD)/src/engine/models/bert.o: OPT = -O3 -fno-trapping-math -ffp-contract=fast
# Adam's loop vectorises only when sqrtf need not set errno (it never sees a negative number).
$(BUILD)/src/engine/nn/optim.o: OPT = -O3 -fno-trapping-math -fno-math-errno
# Generation's attention over the cache (vmath.h's exp in vector loops), and the sampler.
$(BUILD)/src/engine/models/gpt_gen.o: OPT = -O3 -fno-trapping-math
$(BUILD)/src/engine/nn/sample.o: OPT = -O3
# LLaMA's generation (its matrix-vector products and attention in vector loops) and the Q8_0 kernels.
$(BUILD)/src/engine/models/llama_gen.o: OPT = -O3 -fno-trapping-math -ffp-contract=fast
$(BUILD)/src/engine/nn/q8.o: OPT = -O3

$(LIB): $(ENGINE_OBJ)
	@rm -f $@
	ar rcs $@ $^

tezgah: $(REPL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(REPL_OBJ) $(LIB) -lreadline $(STB_LIBS) $(SDL_LIBS) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

# The program inside a build tree of its own (check-asan; several builds side by side):
#   make BUILD=build-x build-x/tezgah build-x/unit_tests
$(BUILD)/tezgah: $(REPL_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(REPL_OBJ) $(LIB) -lreadline $(STB_LIBS) $(SDL_LIBS) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

# --- data ----------------------------------------------------------------------------
datasets: tezgah
	@./scripts/need-pkgs.sh $(PKGS_DATA) || true
	@bash datasets/fetch.sh datasets/cache ./tezgah

run: deps tezgah datasets
	./tezgah

# --- tests ---------------------------------------------------------------------------
$(BUILD)/unit_tests: $(UNIT_SRC) $(REPL_LIBOBJ) $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -Isrc -o $@ $(UNIT_SRC) $(REPL_LIBOBJ) $(LIB) \
	    -lcriterion -lreadline $(STB_LIBS) $(SDL_LIBS) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests --jobs 2

e2e: tezgah
	@bash tests/run-e2e.sh

test: deps
	@$(MAKE) --no-print-directory tezgah $(BUILD)/unit_tests
	@bash tests/run-all.sh

# Everything again under AddressSanitizer + UndefinedBehaviorSanitizer, in its own tree.
check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" TEZGAH_BIN=build-asan/tezgah asan-inner

asan-inner: $(BUILD)/unit_tests $(BUILD)/tezgah
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp TEZGAH=$(BUILD)/tezgah UNIT=$(BUILD)/unit_tests bash tests/run-all.sh

bench: tezgah
	@bash bench/run.sh

bench-word2vec: tezgah
	@bash bench/word2vec.sh

# FastText against Debian's fasttext and gensim (tr, en), and loading a cc.tr.300-sized .bin;
# the classifier against fasttext supervised
bench-fasttext: tezgah
	@bash bench/fasttext.sh
	@bash bench/ft_sup.sh

# t-SNE (ours vs scikit-learn's Barnes-Hut) and PCA (ours vs numpy): a small driver that
# links only the engine, so its time and memory are the engine's.
$(BUILD)/tsne_bench: bench/tsne_bench.c $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -o $@ bench/tsne_bench.c $(LIB) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

# the frame-time driver draws with the REPL's viz objects (canvas, views, plots, colour maps)
VIZ_OBJ := $(filter $(BUILD)/src/viz/%,$(REPL_OBJ))
$(BUILD)/render_bench: bench/render_bench.c $(VIZ_OBJ) $(LIB)
	$(CC) $(WARN) $(CFLAGS) $(STB_CFLAGS) -Isrc/engine -Isrc -o $@ bench/render_bench.c $(VIZ_OBJ) $(LIB) \
	    $(STB_LIBS) $(SDL_LIBS) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

bench-viz: tezgah $(BUILD)/tsne_bench $(BUILD)/render_bench
	@TSNE_BENCH=$(BUILD)/tsne_bench RENDER_BENCH=$(BUILD)/render_bench bash bench/viz.sh

# Recurrent language models (LSTM, GRU, RNN; a 2-layer LSTM; generation) against PyTorch:
# a driver that links only the engine, beside bench/rnn_torch.py.
$(BUILD)/rnn_bench: bench/rnn_bench.c $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -o $@ bench/rnn_bench.c $(LIB) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

bench-rnn: $(BUILD)/rnn_bench
	@RNN_BENCH=$(BUILD)/rnn_bench bash bench/rnn.sh

# The GPT (training step; generation with the KV cache, also at GPT-2 small's shape) against
# PyTorch: a driver that links only the engine, beside bench/gpt_torch.py.
$(BUILD)/gpt_bench: bench/gpt_bench.c $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -o $@ bench/gpt_bench.c $(LIB) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

bench-gpt: $(BUILD)/gpt_bench
	@GPT_BENCH=$(BUILD)/gpt_bench bash bench/gpt.sh

# LLaMA (generation in float32 and Q8_0, a training step) at llama2.c's stories15M shape against
# PyTorch: a driver that links only the engine, beside bench/llama_torch.py.
$(BUILD)/llama_bench: bench/llama_bench.c $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -o $@ bench/llama_bench.c $(LIB) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

bench-llama: $(BUILD)/llama_bench
	@LLAMA_BENCH=$(BUILD)/llama_bench bash bench/llama.sh

# The chapter's Transformers II rows (BERT's pre-training step; then bench/llama.sh's LLaMA rows)
# against PyTorch: a driver that links only the engine, beside bench/bert_torch.py.
$(BUILD)/bert_bench: bench/bert_bench.c $(LIB)
	$(CC) $(WARN) $(CFLAGS) -Isrc/engine -o $@ bench/bert_bench.c $(LIB) $(BLAS_LIBS) -lpthread -lm $(LDFLAGS)

bench-transformers: $(BUILD)/bert_bench $(BUILD)/llama_bench
	@BERT_BENCH=$(BUILD)/bert_bench LLAMA_BENCH=$(BUILD)/llama_bench bash bench/transformers.sh

# libFuzzer harnesses for every loader (clang); FUZZ_SECONDS each (default 60).
fuzz:
	@bash tests/fuzz/run.sh

clean:
	rm -rf build build-asan tezgah

distclean: clean
	rm -rf datasets/cache

-include $(ENGINE_OBJ:.o=.d) $(REPL_OBJ:.o=.d)
