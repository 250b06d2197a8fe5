/* app.h — the state of one tezgah session, shared by the REPL's parts.
 *
 * The main thread owns all of it. The only other thread is the job worker, which touches
 * nothing here: it works on the arguments it was given and publishes progress through its
 * Job (engine/core/job.h). When it finishes, the main thread calls the job's `done`
 * function, which installs the result (a loaded corpus, a trained model) and prints.
 */
#ifndef TZ_APP_H
#define TZ_APP_H

#include <signal.h>
#include "core/corpus.h"
#include "core/job.h"
#include "models/fasttext.h"
#include "models/vectors.h"
#include "parse.h"
#include "models/gen_loop.h"
#include "out.h"

typedef void (*JobDoneFn)(int rc, const TzErr *e, void *arg);

typedef struct Lesson Lesson;
typedef struct LmModel LmModel;     /* a recurrent language model (rnn.c) */
typedef struct SeqModel SeqModel;   /* a recurrent sequence classifier (seqtask.c) */
typedef struct GptModel GptModel;   /* a GPT (gpt.c, gptm.h) */
typedef struct LlamaModel LlamaModel; /* a LLaMA (llama.c, llamam.h) */
typedef struct BertModel BertModel;   /* a BERT (bert.c, bertm.h) */
struct Bpe;

/* A named table of word vectors: trained here (word2vec) or loaded from a file. */
typedef struct Model {
    char name[64];
    char kind[16];          /* "word2vec" or "vectors" */
    char source[256];       /* the corpus or the file it came from */
    char info[256];         /* how it was trained (mode, dim, …) */
    TzLang lang;            /* the language of its words, for lower-casing queries */
    Vectors vec;            /* the vectors, unit rows ready for queries */
    FastText *ft;           /* FastText: the subword model (unseen words, subwords), or NULL */
    LmModel *lm;            /* a recurrent language model (train lstm|gru|rnn), or NULL */
    SeqModel *clf;          /* a recurrent classifier (train lstm|gru|rnn task=…), or NULL */
    struct Bpe *bpe;        /* a byte-level BPE tokenizer (train bpe), or NULL */
    GptModel *gpt;          /* a GPT (train gpt, load …safetensors / gpt2_124M.bin), or NULL */
    LlamaModel *llama;      /* a LLaMA (load …gguf / llama2.c .bin), or NULL */
    BertModel *bert;        /* a BERT (train bert, load …safetensors + vocab.txt), or NULL */
} Model;

#define MAX_MODELS 16

typedef struct {
    char root[4096];        /* where lessons/ and datasets/ are */
    char cache[4096];       /* where `make datasets` put the prepared corpora */
    int interactive;        /* a readline prompt on a terminal */
    int headless;           /* --headless: never open a window */
    int quit;               /* `quit` was typed */
    int failures;           /* commands that failed (the exit status of a script) */
    int sync_jobs;          /* wait for each job before the next command (scripts, lessons) */

    Corpus *corpus;         /* the current corpus, or NULL */

    Job *job;               /* the running job, or NULL */
    JobDoneFn job_done;
    void *job_arg;
    double job_last_draw;
    char job_curve[96];     /* the running job's series on the loss curve ("" = none) */
    char next_curve[96];    /* set by app_job_curve for the next job started */
    unsigned long job_serial; /* counts jobs started: tells one job from the next */

    Lesson *lesson;         /* the lesson being followed, or NULL */

    Model *models[MAX_MODELS];
    int nmodels;
    int current_model;      /* index of the model queries use by default, -1 if none */
} App;

extern App g_app;
extern volatile sig_atomic_t g_sigint;   /* set by the SIGINT handler */
extern int g_sigpipe[2];                 /* self-pipe: the handler writes a byte to wake poll() */
/* Was Ctrl-C pressed during a loop that runs on the main thread (generation)? If so it is
 * taken: g_sigint cleared and the handler's wake-up byte drained (else the main loop's poll
 * would spin on it). Returns 1 then, else 0. */
int app_take_sigint(void);
/* What GPT's and LLaMA's `generate` share (gpt.c). gen_args reads n= temp= topk= topp= seed= into
 * p (stop_token −1; reports and returns 1 on a bad value); gen_say_cut says that a prompt of np
 * tokens lost its front to a context of C; gen_finish ends the streamed text (a held-back half
 * character, end_mark when the stop token ended it, the line end) and prints the error (returns 1)
 * or the "(N tokens)" line (returns 0). */
int gen_args(Args *a, GenParams *p);
void gen_say_cut(size_t np, int C);
int gen_finish(const SayStream *out, const char *end_mark, int ended, int stopped, long count, long got, double dt,
               const TzErr *e);

/* Run one line (possibly several commands separated by ';'). Returns the number of commands
 * that failed. Unknown commands, wrong arguments and errors are reported, never fatal. */
int app_run_line(const char *line);

/* Start a job; in sync mode wait for it (drawing progress, Ctrl-C cancels) and return its
 * result, else return 0 at once and let the main loop finish it. done runs on the main thread. */
int app_start_job(const char *what, const char *unit, JobFn fn, void *arg, JobDoneFn done);
/* The next job started is a training whose loss belongs on the loss curve, as a series
 * with this label (the model's name and how it trains). Other jobs (loading, t-SNE,
 * evaluation) stay off the curve. */
void app_job_curve(const char *label);
/* Wait for the running job (if any); returns its result code. */
int app_wait_job(void);
/* Called by the main loop: draw progress, and finish the job if it has ended. */
void app_poll_job(int draw);
/* Cancel the running job (Ctrl-C, `stop`). Returns 1 if there was one. */
int app_cancel_job(void);

/* Progress line (interactive: one line above the prompt; scripts: on stderr if a terminal). */
void progress_format(const JobProgress *p, char *buf, size_t n);
void progress_clear(void);
/* A line was entered: the progress line above it is now part of the scrollback, and the
 * next one is drawn fresh below the command's output (never over its last line). */
void progress_forget(void);

/* Interactive output from outside a command (a job finished): keeps the prompt intact. */
void app_async_begin(void);
void app_async_end(void);

/* The command table (commands.c). */
typedef enum { COMP_NONE, COMP_FILE, COMP_CORPUS, COMP_WORD, COMP_LESSON, COMP_LANG, COMP_CMD } CompKind;

typedef struct {
    const char *name;
    const char *subs;       /* space-separated sub-commands offered by completion, or NULL */
    int min_pos, max_pos;   /* positional arguments after the name; max -1 = any number */
    const char *keys;       /* space-separated option names it accepts */
    CompKind comp;          /* what its positional arguments complete to */
    const char *usage_tr, *usage_en;
    const char *help_tr, *help_en;
    int (*fn)(Args *a);     /* returns 0 on success, 1 on failure (already reported) */
    int while_job;          /* may run while a job is running */
} Command;

extern const Command g_commands[];
const Command *command_find(const char *name);
/* The closest command name within edit distance 2, or NULL. */
const char *command_suggest(const char *name);

/* Datasets (datasets.c). */
typedef struct {
    const char *name, *lang, *kind; /* kind: "fetched" (make datasets) or "mini" (ours) */
    char path[4096];
    int present, prepared;
    long long tokens, sentences, types;
    char source[256], version[64], licence[64];
} DatasetInfo;

int datasets_list(DatasetInfo *out, int max);
/* A corpus argument (a known name or a text file) → its path, display name, language and
 * whether it is prepared. lang_opt ("tr"/"en" or NULL) overrides the language. Reports the
 * problem (with a suggestion) and returns 1 if it is neither. */
/* The value of a lang= option (NULL: leave *out as it is); reports a bad one and returns 1. */
int lang_option(const char *value, TzLang *out);
int corpus_resolve(const char *arg, const char *lang_opt, char path[4096], char name[64], TzLang *lang,
                   int *prepared);
/* Resolve a corpus name; returns 0 and fills d, or TZ_E_NOTFOUND with a message. */
int dataset_find(const char *name, DatasetInfo *d, TzErr *e);
const char *const *dataset_names(void);

/* Word-vector models and their commands (wordvec.c). */
Model *model_current(void);
Model *model_find(const char *name);
/* model=NAME or the current model; reports and returns NULL if there is none. */
Model *model_for(Args *a);
/* A query word's row (as typed, then lower-cased); reports unknown words with suggestions. */
int64_t model_word_id(const Model *m, const char *w);
/* Print the k nearest words of row id (what `similar` prints). */
void model_print_similar(const Model *m, size_t id, size_t k);
/* The same without reporting (-1 if unknown). */
int64_t model_word_lookup(const Model *m, const char *w);
/* The corpus a training runs on (wordvec.c): corpus=NAME, loaded by the job, or the current
 * one. train_corpus reads the options (reports and returns 1 on a problem); the job calls
 * train_corpus_load; its done function calls train_corpus_keep (a corpus it loaded becomes
 * the current one) and train_corpus_free. */
typedef struct {
    char path[4096], name[64];
    TzLang lang;
    int prepared, load;     /* load: the job loads it (else it is g_app.corpus) */
    Corpus *corpus;
} TrainCorpus;
int train_corpus(Args *a, TrainCorpus *tc);
int train_corpus_load(TrainCorpus *tc, TzErr *e);
void train_corpus_keep(TrainCorpus *tc, int rc);
void train_corpus_free(TrainCorpus *tc);
/* Install m under its name (replacing a model of the same name) and make it current. */
void model_install(Model *m);
/* Free the models replaced while a job was running (called when the job has ended). */
void models_reap(void);
/* Recurrent language models (rnn.c): train lstm|gru|rnn, generate. */
int cmd_train_rnn(Args *a);
int cmd_generate(Args *a);
int cmd_cell(Args *a);              /* cellcmd.c */
int cmd_qkv(Args *a);               /* qkv.c: self-attention by hand */
int cmd_sizes(Args *a);             /* sizes.c: sizes llama */
/* Looking inside a GPT (attention.c): attention "TEXT" [all] — one head's heatmap or every
 * head's grid; next "PROMPT" — the next-token distribution (cmd_next hands a prompt over). */
int cmd_attention(Args *a);
int cmd_next_token(Args *a);
/* GPT (gpt.c): train gpt, generate with a GPT (cmd_generate hands it over), info, GPT files for
 * save and load (gpt_file_kind: 0 not a GPT file, else the kind; cmd_load hands those over). */
int cmd_train_gpt(Args *a);
int gpt_generate_cmd(Model *m, const char *prompt, Args *a);
int cmd_info(Args *a);
int gpt_save_cmd(Model *m, const char *path, const char *fmt);
int gpt_file_kind(const char *path);
int gpt_load_cmd(Args *a, const char *path, const char *name, int named);
void gpt_model_free(GptModel *g);
void gpt_model_describe(const GptModel *g, char *buf, size_t n);

/* LLaMA (llama.c): llama2.c checkpoints and GGUF files for load (llama_file_kind: 0 not one, else
 * the kind; cmd_load hands those over), generate (cmd_generate hands it over), info. */
enum { LLAMA_FILE_NONE, LLAMA_FILE_GGUF, LLAMA_FILE_LLAMA2C };
int llama_file_kind(const char *path);
int llama_load_cmd(Args *a, const char *path, const char *name);
int llama_generate_cmd(Model *m, const char *prompt, Args *a);
int llama_info_cmd(const Model *m);
void llama_model_free(LlamaModel *l);
void llama_model_describe(const LlamaModel *l, char *buf, size_t n);
/* Training a LLaMA (llama_train.c): train llama (a SentencePiece BPE learnt on the text, then the
 * model), and save for any LLaMA (cmd_save hands it over: FILE.gguf, or FILE.bin + tokenizer.bin). */
int cmd_train_llama(Args *a);
int llama_save_cmd(Model *m, const char *path, const char *fmt);
/* BERT (bert.c, bertm.h): train bert, fillmask, info; the models line; a BERT's WordPiece for
 * tokens (bert_tokens: the pieces with their ## marks and ids, the tokens view). */
void bert_model_free(BertModel *b);
void bert_model_describe(const BertModel *b, char *buf, size_t n);
int cmd_train_bert(Args *a);
int cmd_fillmask(Args *a);
int bert_info_cmd(const Model *m);
int bert_tokens(Args *a, const Model *m, const char *text, size_t n);
/* BERT's files (bertio.c): load (bert_file_kind: 0 not a BERT file or folder, else the kind; cmd_load
 * hands those over) and save (cmd_save hands a BERT over; format tezgah-bert or safetensors). */
enum { BERT_FILE_NONE, BERT_FILE_OURS, BERT_FILE_HF };
int bert_file_kind(const char *path);
int bert_load_cmd(Args *a, const char *path, const char *name, int named);
int bert_save_cmd(Model *m, const char *path, const char *fmt);
/* What the trainers share (gpt.c): only these options (else "there is no option 'x='"), and the
 * raw text of corpus= (or the current corpus) as written, the prepared copy when there is no
 * raw one (*lowered = 1); both report and return 1. */
int only_keys(Args *a, const char *what, const char *keys);
int train_raw_text(Args *a, const char *cmd, char path[4096], char corpus[64], TzLang *lang, int *lowered);
/* The note the trainers print when train_raw_text found only the prepared (lowered) corpus. */
void train_say_lowered(const char *corpus);
/* Refuses (with the estimate and the machine's memory) a training that needs more than 80% of it. */
int train_too_big(double need);
/* Fine-tuning BERT (bertft.c): finetune bert task=…; predict and test hand a line to bertft_*
 * after seqtask_*: -1 means the model is not a BERT, else the command's result. */
int cmd_finetune(Args *a);
int bertft_predict(Args *a);
int bertft_test(Args *a);
/* Byte-level BPE (tokens.c): train bpe, tokens. */
int cmd_train_bpe(Args *a);
int cmd_tokens(Args *a);
/* tokens ids="…": the ids (separated by spaces, commas or tabs) into *ids (allocated; free it),
 * each in 0 … vocab−1 and, when ok is given, ok(id, ctx). Returns the count; −1 when one is not
 * an id (nothing said: *bad, *badlen point at it, for the caller to name in its own words); −2
 * after saying that there are more than 100000. */
long ids_parse(const char *list, int vocab, int (*ok)(int32_t id, const void *ctx), const void *ctx, int32_t **ids,
               const char **bad, int *badlen);
void bpe_model_free(struct Bpe *b);
void bpe_model_describe(const struct Bpe *b, char *buf, size_t n);
void lm_model_free(LmModel *lm);
void lm_model_describe(const LmModel *lm, char *buf, size_t n);
const char *lm_model_kind(const LmModel *lm);                  /* "lstm", "gru", "rnn" */
/* tezgah checkpoints (engine/models/rnnlm.h): NULL / non-zero with e filled on a problem. */
LmModel *lm_model_load(const char *path, TzErr *e);
int lm_model_save(const LmModel *lm, const char *path, TzErr *e);
/* Stepping through a recurrent language model (step.c): step, watch. Plain next/prev go to
 * what was started last: step_nav moves the step and returns 0/1, or -1 when the lesson has
 * the turn (no step, or a lesson started after it: lesson.c calls step_yield). step_key: the
 * window's arrows in the gates view (-1/+1 a token, -2/+2 the first/last). */
int cmd_step(Args *a);
int cmd_watch(Args *a);
int step_nav(const char *what);
void step_yield(void);
void step_key(int how);
/* Recurrent sequence classifiers (seqtask.c): train lstm|gru|rnn task=sentiment-tr|sentiment-en|dna|file.
 * predict and test hand a line to seqtask_* first: -1 means the model is not a recurrent
 * classifier (fastText's then take it), else the command's result. */
int cmd_train_seqclf(Args *a);
int seqtask_predict(Args *a);
int seqtask_test(Args *a);
void seq_model_free(SeqModel *s);
void seq_model_describe(const SeqModel *s, char *buf, size_t n);
const char *seq_model_kind(const SeqModel *s);                /* "lstm-clf", "gru-clf", "rnn-clf" */
SeqModel *seq_model_load(const char *path, TzErr *e);          /* tezgah classifier checkpoints (seqclf.h) */
int seq_model_save(const SeqModel *s, const char *path, TzErr *e);
/* The vanishing gradient measured, the memory-distance demo, the RNN/LSTM/GRU table (gradflow.c). */
int cmd_gradflow(Args *a);
int cmd_memory(Args *a);
int cmd_compare(Args *a);
/* The BERT–GPT–LLaMA table (compare_tf.c): cmd_compare hands a line over when compare_tf_wants it
 * (a word or key bert, gpt or llama). `attention compare` is attention.c's (tflook.h). */
int compare_tf_wants(const Args *a);
int cmd_compare_tf(Args *a);
/* fastText's classifier (classify.c): train fasttext-sup, predict, test. */
/* A labelled file as given, or one of our sets by name (sentiment-tr, sentiment-en; test: their
 * held-out part). Reports and returns 1 if neither. */
int labelled_path(const char *arg, int test, char path[4096]);
/* A file's name without its folder and extension ("data/x.train.txt" → "x.train"). */
void file_stem(const char *path, char *stem, size_t n);
/* predict's line of a label with its probability and bar; test's per-label table. */
void say_prob_bar(int first, const char *name, double p);
void say_label_table(size_t n, const char *const *names, const size_t *gold, const size_t *pred, const size_t *right);
int cmd_train_sup(Args *a);
int cmd_predict(Args *a);
int cmd_test(Args *a);
/* The live watch of the Word2Vec job training now (and its language), or NULL. */
struct W2VWatch *wordvec_live(TzLang *lang);
int cmd_plot(Args *a);
/* The window and its views (plot.c): window, view, views, snap, export, find. */
int cmd_window(Args *a);
int cmd_view(Args *a);
int cmd_views(Args *a);
int cmd_snap(Args *a);
int cmd_export(Args *a);
int cmd_find(Args *a);
void models_free_all(void);
int cmd_train(Args *a);
int cmd_models(Args *a);
int cmd_similar(Args *a);
int cmd_similarity(Args *a);
int cmd_analogy(Args *a);
int cmd_odd(Args *a);
int cmd_vector(Args *a);
int cmd_arith(Args *a);
int cmd_eval(Args *a);
int cmd_save(Args *a);
int cmd_load(Args *a);
int cmd_subwords(Args *a);

/* Lessons (lesson.c). */
int lesson_cmd(Args *a);
int lesson_step_cmd(const char *what);  /* next / prev / again */
int lesson_active(void);
void lesson_prompt(char *buf, size_t n);
int lesson_count(void);
const char *lesson_title(int i);
/* An empty line in a lesson means "next step". */
void lesson_free_all(void);

#endif
