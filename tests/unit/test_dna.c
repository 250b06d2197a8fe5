/* test_dna.c — the synthetic DNA motif task of src/engine/models/dna.c: exactly half the
 * sequences hold the motif where `where` says, none of the others holds it anywhere, lengths
 * stay in range, a seed gives the same set; bad motifs and lengths are refused with a message;
 * typed sequences are read with their bad byte named. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dna.h"

Test(dna, half_hold_the_motif_and_the_rest_never)
{
    DnaConfig c = dna_defaults();
    c.n = 501;
    c.min_len = 20;
    c.max_len = 30;
    c.seed = 7;
    SeqSet s;
    int where[501];
    TzErr e;
    cr_assert_eq(dna_generate(&c, &s, where, &e), 0, "%s", e.en);
    cr_assert_eq(s.n, 501);
    int32_t motif[6] = { 3, 0, 3, 0, 0, 0 };   /* TATAAA */
    size_t pos = 0, lens[11] = { 0 };
    for (size_t i = 0; i < s.n; i++) {
        size_t len = s.off[i + 1] - s.off[i];
        cr_assert(len >= 20 && len <= 30);
        lens[len - 20]++;
        const int32_t *q = s.tok + s.off[i];
        for (size_t t = 0; t < len; t++) cr_assert(q[t] >= 0 && q[t] < 4);
        if (s.label[i]) {
            pos++;
            cr_assert(where[i] >= 0 && (size_t)where[i] + 6 <= len);
            cr_assert(memcmp(q + where[i], motif, sizeof motif) == 0, "sequence %zu: no motif at %d", i, where[i]);
        } else {
            cr_assert_eq(where[i], -1);
            cr_assert_eq(dna_find(q, len, motif, 6), -1, "negative %zu holds the motif", i);
        }
    }
    cr_assert_eq(pos, 250, "n/2 positives, %zu", pos);
    for (int l = 0; l < 11; l++) cr_assert(lens[l] > 20, "every length occurs: %d has %zu", 20 + l, lens[l]);
    /* the same seed, the same set; another seed, another one */
    SeqSet s2, s3;
    cr_assert_eq(dna_generate(&c, &s2, NULL, &e), 0);
    cr_assert(s2.off[s2.n] == s.off[s.n] && memcmp(s.tok, s2.tok, s.off[s.n] * sizeof *s.tok) == 0 &&
              memcmp(s.label, s2.label, s.n * sizeof *s.label) == 0);
    c.seed = 8;
    cr_assert_eq(dna_generate(&c, &s3, NULL, &e), 0);
    cr_assert(memcmp(s.tok, s3.tok, 20 * sizeof *s.tok) != 0);
    seqset_free(&s); seqset_free(&s2); seqset_free(&s3);
}

Test(dna, bad_settings_are_refused)
{
    DnaConfig c = dna_defaults();
    SeqSet s;
    TzErr e;
    snprintf(c.motif, sizeof c.motif, "TA");
    cr_assert_eq(dna_generate(&c, &s, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "'TA'") && strstr(e.en, "3 to 16"), "%s", e.en);
    snprintf(c.motif, sizeof c.motif, "TAXAAA");
    cr_assert_eq(dna_generate(&c, &s, NULL, &e), TZ_E_ARG);
    snprintf(c.motif, sizeof c.motif, "TAT");      /* in nearly every sequence of 1000 bases */
    c.min_len = 500;
    c.max_len = 1000;
    cr_assert_eq(dna_generate(&c, &s, NULL, &e), TZ_E_ARG);
    cr_assert(strstr(e.en, "too short"), "%s", e.en);
    c = dna_defaults();
    c.min_len = 4;                                   /* shorter than TATAAA */
    cr_assert_eq(dna_generate(&c, &s, NULL, &e), TZ_E_ARG);
    c = dna_defaults();
    c.n = 1;
    cr_assert_eq(dna_generate(&c, &s, NULL, &e), TZ_E_ARG);
    cr_assert_eq(s.n, 0, "nothing allocated");
}

Test(dna, typed_sequences)
{
    int32_t out[16];
    size_t bad = 99;
    cr_assert_eq(dna_encode("ac gT\tta", out, 16, &bad), 6);
    int32_t want[6] = { 0, 1, 2, 3, 3, 0 };
    cr_assert(memcmp(out, want, sizeof want) == 0);
    cr_assert_eq(dna_encode("ACGU", out, 16, &bad), -1);
    cr_assert_eq(bad, 3);
    cr_assert_eq(dna_find(want, 6, (int32_t[]){ 3, 3, 0 }, 3), 3);
    cr_assert_eq(dna_find(want, 6, (int32_t[]){ 3, 0, 0 }, 3), -1);
}
