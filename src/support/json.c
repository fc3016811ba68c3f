/* json.c — see json.h. */
#include "support/json.h"
#include "support/util.h"

#include <math.h>

void json_init(JsonWriter *w, FILE *out)
{
    w->out = out;
    w->depth = 0;
    w->first[0] = true;
    w->compact[0] = false;
    w->after_key = false;
}

/* Separator and indentation before a value or a key. */
static void pre(JsonWriter *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        fputs(w->compact[w->depth] ? ", " : ",", w->out);
    w->first[w->depth] = false;
    if (w->depth > 0 && !w->compact[w->depth])
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
}

static void open_container(JsonWriter *w, char open, char close, bool compact)
{
    pre(w);
    fputc(open, w->out);
    if (w->depth + 1 >= 64)
        ICE("JSON nested too deeply");
    w->depth++;
    w->first[w->depth] = true;
    w->compact[w->depth] = compact || w->compact[w->depth - 1];
    w->closer[w->depth] = close;
}

void json_object(JsonWriter *w) { open_container(w, '{', '}', false); }
void json_array(JsonWriter *w) { open_container(w, '[', ']', false); }
void json_array_compact(JsonWriter *w) { open_container(w, '[', ']', true); }

void json_end(JsonWriter *w)
{
    if (w->depth == 0)
        ICE("json_end at depth 0");
    bool empty = w->first[w->depth], compact = w->compact[w->depth];
    char close = w->closer[w->depth];
    w->depth--;
    if (!empty && !compact)
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    fputc(close, w->out);
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void json_key(JsonWriter *w, const char *key)
{
    pre(w);
    put_string(w->out, key);
    fputs(": ", w->out);
    w->after_key = true;
}

void json_string(JsonWriter *w, const char *s)
{
    pre(w);
    put_string(w->out, s);
}

void json_double(JsonWriter *w, double x)
{
    char buf[40];
    pre(w);
    fputs(isfinite(x) ? fmt_double(x, buf, sizeof buf) : "null", w->out);
}

void json_int(JsonWriter *w, long long x)
{
    pre(w);
    fprintf(w->out, "%lld", x);
}

void json_uint(JsonWriter *w, unsigned long long x)
{
    pre(w);
    fprintf(w->out, "%llu", x);
}

void json_mpz(JsonWriter *w, const mpz_t x)
{
    pre(w);
    mpz_out_str(w->out, 10, x);
}

void json_bool(JsonWriter *w, bool b)
{
    pre(w);
    fputs(b ? "true" : "false", w->out);
}

void json_null(JsonWriter *w)
{
    pre(w);
    fputs("null", w->out);
}

void json_finish(JsonWriter *w)
{
    if (w->depth != 0)
        ICE("unbalanced JSON output");
    fputc('\n', w->out);
}
