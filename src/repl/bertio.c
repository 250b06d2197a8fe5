/* bertio.c — BERT's files at the prompt:
 *     load DIR_OR_FILE [as NAME]       a Hugging Face folder (model.safetensors + config.json +
 *                                      vocab.txt [+ tokenizer_config.json]), or its
 *                                      model.safetensors; or a tezgah-bert checkpoint (by its magic)
 *     save NAME FILE [format=tezgah-bert|safetensors]
 * Both run as jobs (bert-base is 440 MB of float32). The formats are in models/bert_io.h; the
 * model as the REPL holds it in bertm.h. cmd_load and cmd_save (wordvec.c) hand BERT over here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "bertm.h"
#include "i18n.h"
#include "out.h"

#include "core/io.h"
#include "models/bert_io.h"

/* bertm.h's label names and the checkpoint's are the same arrays, handed over as they are */
_Static_assert(BERT_LABEL_MAX == BERT_CK_LABEL_MAX, "bertm.h and bert_io.h must agree on a label's room");

/* The seed of the heads a Hugging Face file lacks (BertModel's files have none). */
#define BERT_HEAD_SEED 1

int bert_file_kind(const char *path)
{
    size_t n = strlen(path);
    /* ours by its magic, or by its name (so that a damaged one is reported by our reader) */
    if (bert_ckpt_is(path) || (n > 7 && !strcmp(path + n - 7, ".tzbert"))) return BERT_FILE_OURS;
    if (bert_hf_is(path)) return BERT_FILE_HF;
    return BERT_FILE_NONE;
}

/* --- load ----------------------------------------------------------------------------------- */

typedef struct {
    char path[4096], name[64];
    int kind;
    BertModel *m;
    BertHfInfo info;
} BertLoadJob;

static int bert_load_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    BertLoadJob *L = arg;
    BertModel *m = tz_calloc(1, sizeof *m);
    m->wp = tz_calloc(1, sizeof *m->wp);
    m->mlm_loss = m->nsp_acc = m->cls_acc = NAN;
    int rc;
    BertCkptMeta meta;
    if (L->kind == BERT_FILE_OURS) {
        rc = bert_ckpt_load(&m->w, m->wp, &meta, L->path, e);
        if (rc) {
            bert_model_free(m);
            return rc;
        }
        m->lang = meta.lang;
        snprintf(m->origin, sizeof m->origin, "%s", meta.origin);
        m->steps = meta.steps;
        m->mlm_loss = meta.mlm_loss;
        m->nsp_acc = meta.nsp_acc;
    } else {
        rc = bert_hf_load(&m->w, m->wp, L->path, BERT_HEAD_SEED, &L->info, &meta, e);
        if (rc) {
            bert_model_free(m);
            return rc;
        }
        m->lang = m->wp->opt.lang;
        static const char *const layout[] = {"BertForPreTraining", "BertForMaskedLM", "BertModel", "BERT"};
        snprintf(m->origin, sizeof m->origin, "Hugging Face %s, %s", layout[L->info.layout], L->info.dtype);
    }
    m->K = meta.K;                  /* a fine-tuned classifier (or none), handed over: */
    m->labels = meta.labels;        /* bert_model_free frees them */
    m->cls_w = meta.cls_w;
    m->cls_b = meta.cls_b;
    snprintf(m->task, sizeof m->task, "%s", meta.task);
    m->cls_acc = meta.cls_acc;
    L->m = m;
    return 0;
}

static void say_hf_details(const BertLoadJob *L)
{
    const BertHfInfo *in = &L->info;
    const BertModel *m = L->m;
    static const char *const layout[] = {"BertForPreTraining", "BertForMaskedLM", "BertModel", "BERT"};
    say(M("  ağırlıklar: %s, %s adlarıyla%s%s", "  weights: %s, with %s's names%s%s"), in->dtype, layout[in->layout],
        in->prefixed ? M(" (\"bert.\" önekiyle)", " (\"bert.\" prefix)") : M(" (öneksiz)", " (no prefix)"),
        in->old_names ? M(", eski LayerNorm.gamma/.beta adları", ", the old LayerNorm.gamma/.beta names") : "");
    if (in->decoder) say("%s", M(", MLM çıkışı gömmelere bağlı", ", the MLM decoder tied to the embeddings"));
    if (in->n_ignored) say(M("; kullanılmayan tensör: %d", "; tensors not used: %d"), in->n_ignored);
    say("\n");
    if (in->init_pooler || in->init_mlm || in->init_nsp) {
        say("%s", M("  dosyada olmayan başlar rastgele başlatıldı (bert_init):", "  heads the file lacks were initialised at random (bert_init):"));
        if (in->init_pooler) say(" pooler");
        if (in->init_mlm) say(" MLM");
        if (in->init_nsp) say(" NSP");
        say("%s\n", in->init_mlm ? M(" — fillmask eğitilmeden anlamlı bir şey söylemez; kodlayıcı önceden eğitilmiş",
                                     " — fillmask says nothing meaningful until they are trained; the encoder is pre-trained")
                                 : M(" — kodlayıcı ve MLM başı önceden eğitilmiş", " — the encoder and the MLM head are pre-trained"));
    }
    const WpOptions *o = &m->wp->opt;
    const char *how = o->lang == TZ_LANG_TR ? (o->lower ? M("Türkçe küçük harfe çevirme (I → ı, İ → i), aksanlar korunur",
                                                            "Turkish lower-casing (I → ı, İ → i), accents kept")
                                                        : M("büyük/küçük harf korunur (Türkçe)", "case kept (Turkish)"))
                      : o->lower ? (o->strip_accents ? M("küçük harfe çevirme, aksanlar atılır", "lower-cased, accents stripped")
                                                     : M("küçük harfe çevirme, aksanlar korunur", "lower-cased, accents kept"))
                                 : M("büyük/küçük harf korunur", "case kept");
    const char *from = in->lower_from == BERT_LOWER_TOKCONFIG ? M("tokenizer_config.json'dan", "from tokenizer_config.json")
                       : in->lower_from == BERT_LOWER_FOLDER ? M("klasörün adından", "from the folder's name")
                                                             : M("sözlükten tahmin", "guessed from the vocabulary");
    char b[32];
    say(M("  belirteçleyici: vocab.txt, %s belirteç; %s (%s)\n", "  tokenizer: vocab.txt, %s tokens; %s (%s)\n"),
        fmt_int(m->wp->vocab, b), how, from);
}

static void bert_load_done(int rc, const TzErr *e, void *arg)
{
    BertLoadJob *L = arg;
    if (rc) {
        say_tzerr(e);
        free(L);
        return;
    }
    BertModel *m = L->m;
    Model *md = tz_calloc(1, sizeof *md);
    snprintf(md->name, sizeof md->name, "%s", L->name);
    snprintf(md->kind, sizeof md->kind, "bert");
    snprintf(md->source, sizeof md->source, "%.250s", L->path);
    snprintf(md->info, sizeof md->info, "%.200s", m->origin);
    md->lang = m->lang;
    md->bert = m;
    char d[256];
    bert_model_describe(m, d, sizeof d);
    say(M("%s yüklendi: BERT, %s (model adı %s).\n", "%s loaded: BERT, %s (model name %s).\n"), L->path, d, md->name);
    if (L->kind == BERT_FILE_HF) {
        say_hf_details(L);
        if (m->K > 0)
            say(M("  ince ayarlı sınıflandırıcı: %d etiket (%s%s), görev %s\n", "  fine-tuned classifier: %d labels (%s%s), task %s\n"),
                m->K, m->labels[0], m->K > 1 ? ", …" : "", m->task);
    }
    else {
        say(M("  tezgah-bert: %s", "  tezgah-bert: %s"), m->origin[0] ? m->origin : "-");
        if (isfinite(m->mlm_loss)) say(M("; MLM kaybı %.3f", "; MLM loss %.3f"), m->mlm_loss);
        if (isfinite(m->nsp_acc)) say(M("; NSP doğruluğu %.1f%%", "; NSP accuracy %.1f%%"), 100 * m->nsp_acc);
        if (m->K > 0 && isfinite(m->cls_acc)) say(M("; sınıflandırıcı doğruluğu %.1f%%", "; classifier accuracy %.1f%%"), 100 * m->cls_acc);
        say("\n");
    }
    model_install(md);
    free(L);
}

/* The model's name from the path when none was given: the folder's name for a folder or for
 * Hugging Face's …/model.safetensors, else the file's name without its extension. */
static void default_name(const char *path, char *name, size_t cap)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
    char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    if (!strcmp(base, "model.safetensors") && base > p + 1) {
        base[-1] = '\0';
        char *up = strrchr(p, '/');
        base = up ? up + 1 : p;
    } else if (!tz_is_dir(path)) {
        char *dot = strrchr(base, '.');
        if (dot && dot != base) *dot = '\0';
    }
    snprintf(name, cap, "%.63s", base[0] && strcmp(base, ".") ? base : "bert");
}

int bert_load_cmd(Args *a, const char *path, const char *name, int named)
{
    if (arg_str(a, "limit", NULL)) {
        say_error(M("limit= sözcük vektörleri içindir; bir BERT bütün olarak yüklenir.",
                    "limit= is for word vectors; a BERT is loaded whole."));
        return 1;
    }
    if (arg_str(a, "tokenizer", NULL)) {
        say_error(M("bir BERT'in belirteçleyicisi yanındaki vocab.txt'dir (tezgah-bert dosyasında içindedir); tokenizer= "
                    "GPT ağırlıkları içindir.",
                    "a BERT's tokenizer is the vocab.txt beside it (inside a tezgah-bert file); tokenizer= is for GPT "
                    "weights."));
        return 1;
    }
    BertLoadJob *L = tz_calloc(1, sizeof *L);
    snprintf(L->path, sizeof L->path, "%s", path);
    L->kind = bert_file_kind(path);
    if (named) snprintf(L->name, sizeof L->name, "%s", name);
    else default_name(path, L->name, sizeof L->name);
    char what[160];
    snprintf(what, sizeof what, "load %.100s", L->name);
    return app_start_job(what, "", bert_load_work, L, bert_load_done);
}

/* --- save ----------------------------------------------------------------------------------- */

typedef struct {
    const Model *md;
    char path[4096], dir[4096];
    int safetensors;
} BertSaveJob;

static int bert_save_work(Job *job, void *arg, TzErr *e)
{
    (void)job;
    BertSaveJob *S = arg;
    const BertModel *m = S->md->bert;
    BertCkptMeta meta = {.lang = m->lang, .steps = m->steps, .mlm_loss = m->mlm_loss, .nsp_acc = m->nsp_acc,
                         .K = m->K, .labels = m->labels, .cls_w = m->cls_w, .cls_b = m->cls_b, .cls_acc = m->cls_acc};
    snprintf(meta.origin, sizeof meta.origin, "%s", m->origin);
    snprintf(meta.task, sizeof meta.task, "%s", m->task);
    if (S->safetensors) return bert_hf_save(&m->w, m->wp, &meta, S->path, S->dir, sizeof S->dir, e);
    return bert_ckpt_save(&m->w, m->wp, &meta, S->path, e);   /* meta's arrays stay the model's */
}

static void bert_save_done(int rc, const TzErr *e, void *arg)
{
    BertSaveJob *S = arg;
    if (rc) say_tzerr(e);
    else if (S->safetensors) {
        say(M("%s kaydedildi: %s (Hugging Face biçimi: model.safetensors BertForPreTraining adlarıyla, config.json, "
              "vocab.txt, tokenizer_config.json; geri yüklemek için: load %s)\n",
              "%s saved: %s (Hugging Face's layout: model.safetensors with BertForPreTraining's names, config.json, "
              "vocab.txt, tokenizer_config.json; load it back with: load %s)\n"),
            S->md->name, S->dir, S->path);
        if (S->md->bert->K > 0)
            say(M("  ince ayarlı sınıflandırıcı da içinde: %d etiket, BertForSequenceClassification'ın adlarıyla "
                  "(classifier.weight, classifier.bias; config.json'da id2label)\n",
                  "  the fine-tuned classifier is in it too: %d labels, with BertForSequenceClassification's names "
                  "(classifier.weight, classifier.bias; id2label in config.json)\n"),
                S->md->bert->K);
    } else
        say(M("%s kaydedildi: %s (tezgah-bert: ayar, WordPiece sözlüğü, ağırlıklar%s, CRC)\n",
              "%s saved: %s (tezgah-bert: configuration, WordPiece vocabulary, weights%s, CRC)\n"),
            S->md->name, S->path, S->md->bert->K > 0 ? M(", sınıflandırıcı", ", classifier") : "");
    free(S);
}

int bert_save_cmd(Model *md, const char *path, const char *fmt)
{
    size_t n = strlen(path);
    int st_ext = n > 12 && !strcmp(path + n - 12, ".safetensors");
    if (!fmt) fmt = st_ext || tz_is_dir(path) || (n && path[n - 1] == '/') ? "safetensors" : "tezgah-bert";
    if (strcmp(fmt, "tezgah-bert") != 0 && strcmp(fmt, "safetensors") != 0) {
        say_error(M("%s bir BERT: format=tezgah-bert (her şey, ince ayarlı sınıflandırıcı da) ya da format=safetensors "
                    "(Hugging Face'in klasörü: model.safetensors, config.json, vocab.txt) ile kaydedilir.",
                    "%s is a BERT: it is saved as format=tezgah-bert (everything, the fine-tuned classifier too) or "
                    "format=safetensors (Hugging Face's folder: model.safetensors, config.json, vocab.txt)."),
                  md->name);
        return 1;
    }
    if (!strcmp(fmt, "tezgah-bert") && tz_is_dir(path)) {
        say_error(M("%s bir klasör; tezgah-bert tek bir dosyadır (örnek: save %s %s.tzbert).",
                    "%s is a folder; tezgah-bert is one file (e.g. save %s %s.tzbert)."), path, md->name, md->name);
        return 1;
    }
    BertSaveJob *S = tz_calloc(1, sizeof *S);
    S->md = md;
    snprintf(S->path, sizeof S->path, "%s", path);
    S->safetensors = !strcmp(fmt, "safetensors");
    char what[160];
    snprintf(what, sizeof what, "save %.60s", md->name);
    return app_start_job(what, "", bert_save_work, S, bert_save_done);
}
