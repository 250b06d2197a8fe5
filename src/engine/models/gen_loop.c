/* gen_loop.c — the decoders' shared sampling loop (see gen_loop.h). */
#include "models/gen_loop.h"

#include <string.h>

int gen_check_prompt(const int32_t *prompt, size_t np, int V, TzErr *e)
{
    if (np == 0) {
        tz_errf(e, TZ_E_ARG, "istem boş: üretime başlamak için en az bir belirteç gerekir.",
                "the prompt is empty: generation needs at least one token to start from.");
        return -1;
    }
    for (size_t i = 0; i < np; i++)
        if (prompt[i] < 0 || prompt[i] >= V) {
            tz_errf(e, TZ_E_ARG, "istemin %zu. belirteci (%ld) sözlükte yok: kimlikler 0 … %d arasında olmalı.",
                    "prompt token %zu (%ld) is not in the vocabulary: ids go from 0 to %d.", i + 1, (long)prompt[i],
                    V - 1);
            return -1;
        }
    return 0;
}

long gen_loop(const GenCache *c, const int32_t *prompt, size_t np, const GenParams *p, GenTokenFn cb, void *arg,
              size_t *cut, Job *job)
{
    c->reset(c->kv);
    if (cut) *cut = 0;
    if (p->n <= 0) return 0;

    /* the context holds C tokens: of a longer prompt, the last C (the most recent text) */
    size_t C = (size_t)c->C, drop = np > C ? np - C : 0;
    if (cut) *cut = drop;
    if (c->feed(c->model, c->kv, prompt + drop, np - drop, job)) return 0;

    uint64_t rng = sample_seed(p->seed);
    long made = 0;
    for (;;) {
        *c->kept = sample_dist_draw(c->logits, c->V, &p->sp, c->probs, c->order);
        int32_t tok = sample_pick(c->probs, c->order, *c->kept, &rng);
        if (tok == p->stop_token) break;
        made++;
        if (cb && cb(tok, arg)) break;
        if (made >= p->n || job_cancelled(job)) break;
        if ((size_t)*c->pos == C) {
            /* full: keep the last C/2 tokens, at positions 0 … C/2−1 again */
            size_t keep = C / 2;
            memmove(c->ids, c->ids + C - keep, keep * sizeof *c->ids);
            c->reset(c->kv);
            if (keep && c->feed(c->model, c->kv, c->ids, keep, job)) break;
        }
        c->feed(c->model, c->kv, &tok, 1, NULL);
    }
    return made;
}
