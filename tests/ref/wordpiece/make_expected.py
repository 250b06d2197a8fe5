#!/usr/bin/env python3
"""make_expected.py — the reference for tezgah's WordPiece tokenizer (src/engine/text/wordpiece.c).

Writes, beside itself:
  vocab.txt     a small BERT-style vocabulary (~300 tokens, Turkish and English words and
                "##" pieces, written by hand below; id = line number)
  expected.txt  for each test sentence: the options, the sentence (as hex bytes), and the
                token ids and pieces that Hugging Face's BertTokenizer gives

Hugging Face's tokenizers cannot be installed here, so this is an independent Python
implementation of BertTokenizer's documented algorithm (BasicTokenizer + WordpieceTokenizer,
transformers/models/bert/tokenization_bert.py), using Python's own unicodedata and str.lower():
  clean (drop U+0000, U+FFFD and category C* except \\t\\n\\r; Zs and \\t\\n\\r are spaces),
  spaces around CJK ideographs, split on white space, per word: lower-case, strip accents
  (NFD, drop Mn), split off punctuation (ASCII 33-47 58-64 91-96 123-126 and P*); then greedy
  longest-match-first with "##" continuations, a word over 100 characters or with no match
  being [UNK]; special tokens written in the text ("[MASK]") are kept whole, as the added-token
  split of PreTrainedTokenizer does.
The one addition: Turkish lower-casing (BERTurk-style models) maps I → ı and İ → i before
str.lower(), which on its own would give I → i and İ → i̇. Recent transformers also NFC-normalise
the input first; every sentence here is already NFC (asserted), so that step changes nothing.

Run: python3 tests/ref/wordpiece/make_expected.py
"""
import os
import unicodedata as ud

HERE = os.path.dirname(os.path.abspath(__file__))

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PUNCT = list('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') + ['«', '»', '—', '…', '“', '”', '¿', '¡']
LETTERS = list('abcdefghijklmnopqrstuvwxyz') + ['ç', 'ğ', 'ı', 'ö', 'ş', 'ü', 'â', 'é']
DIGITS = list('0123456789')
EN_WORDS = ['the', 'a', 'is', 'in', 'and', 'of', 'to', 'it', 'cafe', 'cost', 'naive', 'resume',
            'hello', 'world', 'token', 'un', 'believe', 'snow', 'emoji', 'tokyo', 'turkey', 'paris',
            'i', 'you', 'we', 'test', 'quote', 'dash', 'x', 'y', 'new', 'york', 'book', 'read', 'say',
            'café', 'naïve', 'The', 'Hello', 'World', 'Paris', 'Ankara', 'İzmir', 'İstanbul', 'Türkiye']
EN_PIECES = ['##s', '##able', '##ization', '##ize', '##ing', '##ed', '##er', '##ly', '##e', '##d',
             '##ation', '##ief', '##ve', '##t', '##y', '##o', '##n', '##ch', '##ess', '##sts']
TR_WORDS = ['istanbul', 'ankara', 'izmir', 'türkiye', 'ışık', 'ışıl', 've', 'bir', 'bu', 'da', 'de',
            'kitap', 'oku', 'okudu', 'yıl', 'milyon', 'kişi', 'başkent', 'değil', 'evet', 'hayır',
            'çiçek', 'şeker', 'ağaç', 'öğrenci', 'ünlü', 'gel', 'git', 'ev', 'okul', 'güzel', 'çok',
            'ile', 'için', 'nın', 'nin', 'dan', 'den', 'ya', 'ye', 'ta', 'te', 'ın', 'in', 'a', 'e',
            'Ankara', 'Işık', 'Çiçek', 'Türk', 'İz', 'Ağaç']
TR_PIECES = ['##lar', '##ler', '##ımız', '##imiz', '##dan', '##den', '##da', '##de', '##ın', '##in',
             '##nın', '##nin', '##ı', '##i', '##u', '##ü', '##ti', '##tidir', '##idir', '##dir',
             '##çi', '##ci', '##ım', '##im', '##ında', '##inde', '##ki', '##li', '##lı', '##lu',
             '##si', '##sı', '##e', '##a', '##ya', '##ye', '##ğı', '##ği', '##mir', '##bul', '##tan',
             '##ra', '##ara', '##nk', '##ş', '##ç', '##ğ', '##ö', '##r', '##l', '##k', '##m']
CJK = ['我', '爱', '北', '京', '東', '中', '国', '##京']
NUM = ['2024', '20', '##24', '##5', '##0', '##00', '3', '5', '100', '1990']


def vocab_list():
    out, seen = [], set()
    for t in (SPECIALS + PUNCT + DIGITS + LETTERS + ['##' + c for c in LETTERS + DIGITS] + EN_WORDS
              + EN_PIECES + TR_WORDS + TR_PIECES + CJK + NUM):
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


# ---------------------------------------------------------------- BertTokenizer, in Python

def is_whitespace(c):
    return c in ' \t\n\r' or ud.category(c) == 'Zs'


def is_control(c):
    return c not in '\t\n\r' and ud.category(c).startswith('C')


def is_punct(c):
    cp = ord(c)
    return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or ud.category(c).startswith('P')


def is_cjk(cp):
    return any(a <= cp <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
                                         (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF),
                                         (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def basic(text, lower, strip, turkish):
    text = ''.join(' ' if is_whitespace(c) else c for c in text
                   if not (ord(c) == 0 or ord(c) == 0xFFFD or is_control(c)))
    text = ''.join(' %s ' % c if is_cjk(ord(c)) else c for c in text)
    out = []
    for tok in text.split():
        if lower:
            if turkish:
                tok = tok.replace('İ', 'i').replace('I', 'ı')
            tok = tok.lower()
        if strip:
            tok = ''.join(c for c in ud.normalize('NFD', tok) if ud.category(c) != 'Mn')
        cur = ''
        for c in tok:
            if is_punct(c):
                if cur:
                    out.append(cur)
                out.append(c)
                cur = ''
            else:
                cur += c
        if cur:
            out.append(cur)
    return out


def wordpiece(word, vocab):
    if len(word) > 100:
        return ['[UNK]']
    pieces, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = '##' + sub
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return ['[UNK]']
        pieces.append(cur)
        start = end
    return pieces


def tokenize(text, vocab, lower, strip, turkish):
    # split out the special tokens first (PreTrainedTokenizer's added-token split)
    chunks = [text]
    for sp in SPECIALS:
        nxt = []
        for ch in chunks:
            if ch in SPECIALS:
                nxt.append(ch)
                continue
            parts = ch.split(sp)
            for i, p in enumerate(parts):
                if i:
                    nxt.append(sp)
                nxt.append(p)
        chunks = nxt
    toks = []
    for ch in chunks:
        if ch in SPECIALS:
            toks.append(ch)
            continue
        for w in basic(ch, lower, strip, turkish):
            toks += wordpiece(w, vocab)
    return toks


MODES = {  # name: (lower, strip_accents, turkish)
    'uncased': (True, True, False),
    'cased': (False, False, False),
    'tr_lower': (True, False, True),
    'tr_cased': (False, False, True),
}

SENTENCES = [
    ('tr_lower', "İstanbul'da IŞIK ve Işıl kitaplarımızdan okudu."),
    ('tr_lower', "Türkiye'de 2024 yılında 3,5 milyon kişi geldi!"),
    ('tr_cased', "Ankara'nın başkenti İzmir değil; Işık Türkiye'de."),
    ('tr_lower', "ÇİÇEKÇİ ŞEKER Ağaç ÖĞRENCİ ünlü güzel"),
    ('uncased', "The café's naïve résumé costs 5€."),
    ('uncased', "Hello, WORLD!!! unbelievable tokenization (tokenize)"),
    ('uncased', "İstanbul is in TURKEY, not in Paris"),
    ('cased', "Hello World: café, naïve Paris İzmir"),
    ('uncased', "a" * 101 + " ve " + "kitap" * 20 + " book"),
    ('uncased', "emoji 😀 and ☃ snow ♥ ok"),
    ('uncased', "我爱北京 Tokyo東京中国人"),
    ('uncased', "a\u200bb\x07c\tdef\u00a0ghi\u3000x\u2028y"),
    ('tr_lower', "Ankara [MASK] başkentidir [SEP] evet[UNK]bu"),
    ('uncased', "«quote» — dash… “new” york ¿test? ¡x! {y} [z] <a@b.c>"),
    ('uncased', "ΑΘΗΝΑ Ωραία Москва 1990'larda 100%"),
    ('cased', "ANKARA Ankara ankara İz İzmir Işık"),
]


def main():
    vocab = vocab_list()
    index = {t: i for i, t in enumerate(vocab)}
    with open(os.path.join(HERE, 'vocab.txt'), 'w', encoding='utf-8') as f:
        for t in vocab:
            f.write(t + '\n')
    lines = ['# tezgah WordPiece reference, written by make_expected.py (BertTokenizer\'s algorithm in Python).',
             '# per case: mode, hex of the UTF-8 sentence, the ids, the pieces (readable; space-separated).']
    for mode, text in SENTENCES:
        assert ud.normalize('NFC', text) == text, text
        lower, strip, turkish = MODES[mode]
        toks = tokenize(text, set(vocab), lower, strip, turkish)
        lines.append('mode ' + mode)
        lines.append('hex ' + text.encode('utf-8').hex())
        lines.append('ids ' + ' '.join(str(index[t]) for t in toks))
        lines.append('pieces ' + ' '.join(toks))
        lines.append('basic ' + ' '.join(basic(text, lower, strip, turkish)) if not any(s in text for s in SPECIALS) else 'basic -')
    with open(os.path.join(HERE, 'expected.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('vocab', len(vocab), 'cases', len(SENTENCES))


if __name__ == '__main__':
    main()
