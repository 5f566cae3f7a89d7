/* fuzz_student.c — libFuzzer target: arbitrary bytes through what a
 * student's work goes through: as a gradient file for `backstep compare`
 * (read, compared step by step, every mistake of the catalogue tried, both
 * reports written), and line by line as quiz input (answers parsed, checked
 * against the step with the catalogue, the score and the record written).
 * The spec is fixed and small, with a batch, L2 and square weights, so that
 * every catalogue entry applies somewhere. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bs_compare.h"
#include "bs_net.h"
#include "bs_session.h"
#include "bs_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char spec[] =
    "{\"layers\": [3, 3, 3, 2], \"activations\": [\"sigmoid\", \"tanh\", \"softmax\"],"
    " \"loss\": \"cross_entropy\", \"l2\": 0.01,"
    " \"init\": {\"seed\": 5, \"scale\": 0.5}, \"random_batch\": {\"size\": 2, \"seed\": 6}}";

static void as_grads(const bs_trace *t, const uint8_t *data, size_t size)
{
    bs_grads_file *g = NULL;
    bs_compare_result *r = NULL;
    bs_error err;
    if (bs_compare_load_string((const char *)data, size, "fuzz.json", t, &g, &err) == BS_OK &&
        bs_compare_run(t, g, NULL, &r, &err) == BS_OK) {
        bs_sink s = bs_sink_buffer();
        bs_compare_text(&s, r);
        bs_compare_json(&s, r);
        bs_sink_free_buffer(&s);
    }
    bs_compare_result_free(r);
    bs_grads_file_free(g);
}

static void as_quiz(const bs_trace *t, const uint8_t *data, size_t size)
{
    bs_quiz *q = NULL;
    bs_error err;
    bs_quiz_opts o = bs_quiz_defaults();
    if (bs_quiz_create(t, &o, &q, &err) != BS_OK)
        return;
    char *text = malloc(size + 1);
    if (!text) {
        bs_quiz_free(q);
        return;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    bs_sink s = bs_sink_buffer();
    bs_quiz_start(q, &s);
    int going = 1;
    for (char *line = text, *next; going && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        going = bs_quiz_feed(q, line, &s) == 1;
    }
    bs_quiz_finish(q, &s);
    bs_quiz_record(&s, q);
    bs_sink_free_buffer(&s);
    free(text);
    bs_quiz_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bs_net *net;
    static bs_trace *t;
    bs_error err;
    if (!t) {
        if (bs_net_load_string(spec, sizeof spec - 1, "spec.json", NULL, &net, &err) != BS_OK ||
            bs_trace_build(net, &t, &err) != BS_OK)
            abort();
    }
    if (size > 1 << 16)
        return 0;
    as_grads(t, data, size);
    as_quiz(t, data, size);
    return 0;
}
