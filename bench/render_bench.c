/* render_bench.c — how long one frame of the embedding scatter takes: 20,000 labelled points
 * on a 1280×800 canvas, one core, as the window draws it (clear, dots, label placement,
 * text). Also the scatter zoomed in 4× (more labels fit), a 50×50 heatmap and a loss
 * curve of 100,000 points. Prints the median and the worst of the frames. Target (issue 4):
 * the scatter under 16 ms, i.e. 60 frames a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/job.h"
#include "viz/canvas.h"
#include "viz/plots.h"
#include "viz/views.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define FRAMES 40

static void report(const char *what, double *t, size_t extra)
{
    qsort(t, FRAMES, sizeof *t, cmp);
    printf("%-44s median %6.2f ms   worst %6.2f ms   (%zu)\n", what, 1e3 * t[FRAMES / 2], 1e3 * t[FRAMES - 1], extra);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    TzErr e;
    Canvas c;
    if (canvas_init(&c, 1280, 800, &e)) return 1;
    Font *f = font_default(&e);
    if (!f) { fprintf(stderr, "%s\n", e.en); return 1; }
    /* words of 4–10 letters, Turkish letters included, placed in a few Gaussian-ish blobs as
     * a t-SNE map of real words looks */
    static const char *const syll[] = { "ka", "le", "mi", "şe", "ğu", "ır", "ço", "bü", "ta", "ne", "si", "ön" };
    char (*lab)[24] = malloc(n * sizeof *lab);
    ScatterPoint *pts = calloc(n, sizeof *pts);
    uint64_t r = 12345;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        int k = 2 + (int)(i % 4);
        for (int s = 0; s < k; s++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *y = syll[(r >> 33) % 12];
            memcpy(lab[i] + len, y, strlen(y));
            len += strlen(y);
        }
        lab[i][len] = '\0';
        float x = 0, yv = 0;
        for (int s = 0; s < 4; s++) {   /* a sum of uniforms: roughly Gaussian */
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            x += (float)((r >> 40) & 0xFFFF) / 65536.0f;
            yv += (float)((r >> 20) & 0xFFFF) / 65536.0f;
        }
        float cx = (float)(i % 7) * 3, cy = (float)(i % 5) * 3;
        pts[i] = (ScatterPoint){ lab[i], cx + x, cy + yv, i < 3 ? 1 : 0 };
    }
    ScatterScene s = { "20,000 words", "t-SNE 1", "t-SNE 2", NULL, pts, n, NULL, 0 };
    float *screen = malloc(2 * n * sizeof *screen);
    double t[FRAMES];
    size_t labels = 0;
    ScatterView v = scatter_view_reset();
    for (int i = 0; i < FRAMES; i++) {
        double t0 = tz_now();
        labels = view_scatter(&c, f, &s, 25, &v, screen);
        t[i] = tz_now() - t0;
    }
    char what[96];
    snprintf(what, sizeof what, "scatter, %zu labelled points, 1280x800", n);
    report(what, t, labels);
    scatter_zoom_at(&v, &c, 25, 640, 400, 4);
    v.hover = 5;
    for (int i = 0; i < FRAMES; i++) {
        double t0 = tz_now();
        labels = view_scatter(&c, f, &s, 25, &v, screen);
        t[i] = tz_now() - t0;
    }
    report("… zoomed in 4x, with a hovered word", t, labels);
    canvas_save_png(&c, "/tmp/tezgah-render-bench.png", &e);
    /* a 50×50 heatmap and a 100,000-point loss curve */
    float *m = malloc(50 * 50 * sizeof *m);
    const char *rl[50];
    for (int i = 0; i < 50; i++) {
        rl[i] = lab[i];
        for (int j = 0; j < 50; j++) m[i * 50 + j] = (float)((i * 7 + j * 13) % 21 - 10) / 10.0f;
    }
    HeatmapScene hs = { .title = "50×50", .rows = 50, .cols = 50, .values = m, .row_labels = rl, .col_labels = rl,
                        .cmap = CMAP_DIV, .vmin = -1, .vmax = 1, .highlight_row = -1, .highlight_col = -1 };
    for (int i = 0; i < FRAMES; i++) {
        double t0 = tz_now();
        view_heatmap(&c, f, &hs, 25);
        t[i] = tz_now() - t0;
    }
    report("heatmap 50x50 with labels", t, 2500);
    size_t nl = 100000;
    float *ly = malloc(nl * sizeof *ly);
    for (size_t i = 0; i < nl; i++) ly[i] = 3.0f / (1.0f + (float)i / 5000.0f) + (float)(i % 97) / 500.0f;
    LineSeries ls = { .label = "loss", .y = ly, .n = nl };
    LinesScene L = { .title = "loss", .xlabel = "step", .ylabel = "loss", .series = &ls, .nseries = 1 };
    for (int i = 0; i < FRAMES; i++) {
        double t0 = tz_now();
        view_lines(&c, f, &L, 25);
        t[i] = tz_now() - t0;
    }
    report("loss curve, 100,000 points", t, nl);
    free(ly);
    free(m);
    free(screen);
    free(pts);
    free(lab);
    font_free(f);
    canvas_free(&c);
    return 0;
}
