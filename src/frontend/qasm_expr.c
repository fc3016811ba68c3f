/* qasm_expr.c — the values of the OpenQASM 3 reader's expressions
 * (qasm_internal.h): constants, loop variables and gate parameters,
 * arithmetic, comparisons and the built-in functions.
 *
 * Integer literals and integer arithmetic are exact: + - * % ** and mod of
 * integers are 64-bit integer operations, refused when the result leaves
 * the range; / of integers is an integer when it divides exactly, else a
 * real quotient; everything that involves a real (or a function other
 * than mod and pow) is a real. */
#include "frontend/qasm_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support/consts.h"
#include "support/util.h"

#define EULER 2.71828182845904523536
#define INT_RANGE "integers are 64-bit, from -9223372036854775808 to 9223372036854775807"

static bool overflow(Reader *R, const QExpr *e)
{
    qr_err(R, e->loc, "integer overflow: the value of this expression is out of range (" INT_RANGE ")");
    return false;
}

/* b^x for x ≥ 0, false on overflow. */
static bool ipow(long long b, long long x, long long *out)
{
    long long r = 1;
    while (x > 0) {
        if ((x & 1) && __builtin_mul_overflow(r, b, &r))
            return false;
        x >>= 1;
        if (x > 0 && __builtin_mul_overflow(b, b, &b))
            return false; /* a higher power is still to come: |result| ≥ b² */
    }
    *out = r;
    return true;
}

/* a ** b (and pow(a, b)). */
static bool power(Reader *R, const QExpr *e, Val a, Val b, Val *out)
{
    if (a.isint && b.isint && b.i >= 0) {
        long long r;
        if (!ipow(a.i, b.i, &r))
            return overflow(R, e);
        *out = vint(r);
    } else
        *out = vreal(pow(vf(a), vf(b)));
    return true;
}

static bool eval_call(Reader *R, const QExpr *e, Val *out)
{
    const UDef *d = qr_find_def(R, e->name);
    if (d)
        return qr_call_value(R, d, &e->args, e->loc, out);
    if (!strcmp(e->name, "sizeof")) { /* sizeof(a), sizeof(a, 0): an array's length */
        const Binding *b = e->args.n >= 1 && e->args.v[0]->kind == QE_ID ? qr_find_local(R, e->args.v[0]->name) : NULL;
        long long dim = 0;
        if (!b || !b->arr || e->args.n > 2) {
            qr_err(R, e->loc, "sizeof takes an array (and a dimension): sizeof(a) or sizeof(a, 0)");
            return false;
        }
        if (e->args.n == 2 && (!qr_eval_int(R, e->args.v[1], &dim, "a dimension") || dim != 0)) {
            if (dim != 0)
                qr_err(R, e->args.v[1]->loc, "'%s' has one dimension: sizeof(%s, 0)", b->name, b->name);
            return false;
        }
        *out = vint(b->len);
        return true;
    }
    static const struct { const char *name; double (*f)(double); } f1[] = {
        {"sin", sin}, {"cos", cos}, {"tan", tan}, {"exp", exp}, {"ln", log}, {"log", log}, {"sqrt", sqrt},
        {"arcsin", asin}, {"arccos", acos}, {"arctan", atan}, {"ceiling", ceil}, {"floor", floor},
    };
    int want = -1;
    double (*fn)(double) = NULL;
    for (size_t i = 0; i < sizeof f1 / sizeof *f1; i++)
        if (!strcmp(f1[i].name, e->name))
            want = 1, fn = f1[i].f;
    if (!strcmp(e->name, "mod") || !strcmp(e->name, "pow"))
        want = 2;
    if (want < 0) {
        qr_err(R, e->loc, "unknown function '%s'", e->name);
        return false;
    }
    if (e->args.n != want) {
        qr_err(R, e->loc, "'%s' takes %d argument%s, not %d", e->name, want, want == 1 ? "" : "s", e->args.n);
        return false;
    }
    Val a[2];
    for (int i = 0; i < want; i++)
        if (!qr_eval(R, e->args.v[i], &a[i]))
            return false;
    if (fn) {
        *out = vreal(fn(vf(a[0])));
        return true;
    }
    if (!strcmp(e->name, "pow"))
        return power(R, e, a[0], a[1], out);
    /* mod(a, b) = a − b·floor(a/b): the sign of b */
    if (a[1].isint ? a[1].i == 0 : a[1].f == 0) {
        qr_err(R, e->loc, "mod by zero");
        return false;
    }
    if (a[0].isint && a[1].isint) {
        long long r = a[1].i == -1 ? 0 : a[0].i % a[1].i;
        if (r != 0 && (r < 0) != (a[1].i < 0))
            r += a[1].i; /* |r| < |b| and the signs differ: no overflow */
        *out = vint(r);
    } else {
        double x = vf(a[0]), y = vf(a[1]);
        *out = vreal(x - y * floor(x / y));
    }
    return true;
}

static int compare(Val a, Val b)
{
    if (a.isint && b.isint)
        return (a.i > b.i) - (a.i < b.i);
    double x = vf(a), y = vf(b);
    return (x > y) - (x < y);
}

bool qr_eval(Reader *R, const QExpr *e, Val *out)
{
    Val a, b;
    switch (e->kind) {
    case QE_NUM:
        if (!e->num.isint) {
            *out = vreal(e->num.f);
            return true;
        }
        if (e->num.u > (uint64_t)LLONG_MAX) {
            char buf[24];
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)e->num.u);
            qr_err(R, e->loc, "the integer %s is out of range: " INT_RANGE, buf);
            return false;
        }
        *out = vint((long long)e->num.u);
        return true;
    case QE_ID: {
        const char *n = e->name;
        if (!strcmp(n, "pi") || !strcmp(n, "π"))
            *out = vreal(QGD_PI);
        else if (!strcmp(n, "tau") || !strcmp(n, "τ"))
            *out = vreal(2 * QGD_PI);
        else if (!strcmp(n, "euler") || !strcmp(n, "ℇ"))
            *out = vreal(EULER);
        else if (!strcmp(n, "true") || !strcmp(n, "false"))
            *out = vint(n[0] == 't');
        else {
            const Binding *bd = qr_find_local(R, n);
            if (!bd)
                bd = qr_find_const(R, n);
            if (bd && bd->arr) {
                qr_err(R, e->loc, "'%s' is an array: index it ('%s[i]')", n, n);
                return false;
            }
            if (bd) {
                *out = bd->value;
                return true;
            }
            const Reg *r = qr_find_reg(R, n);
            if (n[0] == '$')
                qr_err(R, e->loc, "'%s' is a physical qubit, not a value", n);
            else if (r && r->bit)
                qr_err(R, e->loc, "register '%s' cannot be used as a value: its bits are measurement results, known only "
                    "when the circuit runs; they can be tested in an 'if' ('if (%s == 1)'), but qgdc computes classical "
                    "values as it reads the program", n, n);
            else if (r)
                qr_err(R, e->loc, "register '%s' cannot be used as a value (a qubit register)", n);
            else
                qr_err(R, e->loc, "unknown name '%s'", n);
            return false;
        }
        return true;
    }
    case QE_CAST: {
        if (!qr_eval(R, e->b, &a))
            return false;
        if (e->op == 'B') {
            *out = vint(a.isint ? a.i != 0 : a.f != 0);
            return true;
        }
        if (e->op == 'f' || e->op == 'a') {
            *out = vreal(vf(a));
            return true;
        }
        long long w = 64;
        if (e->a && !qr_eval_int(R, e->a, &w, "the width of a cast"))
            return false;
        if (w < 1 || w > 64) {
            qr_err(R, e->a->loc, "an integer type has 1 to 64 bits, not %lld", w);
            return false;
        }
        long long i;
        if (a.isint)
            i = a.i;
        else if (fabs(a.f) < 9.2e18)
            i = (long long)a.f; /* toward zero, as OpenQASM converts a float */
        else {
            qr_err(R, e->loc, "the value does not fit in an integer");
            return false;
        }
        if (w < 64) { /* keep the low w bits: uint reads them unsigned, int in two's complement */
            unsigned long long m = (1ULL << w) - 1, u = (unsigned long long)i & m;
            i = e->op == 'i' && (u >> (w - 1)) ? (long long)(u | ~m) : (long long)u;
        } else if (e->op == 'u' && i < 0) {
            qr_err(R, e->loc, "a negative value does not fit in uint");
            return false;
        }
        *out = vint(i);
        return true;
    }
    case QE_DURATION:
        qr_err(R, e->loc, "a duration is not a number: durations are for timing ('delay', 'box'), which qgdc ignores");
        return false;
    case QE_INDEX: {
        const Binding *bd = qr_find_local(R, e->name);
        if (!bd)
            bd = qr_find_const(R, e->name);
        if (bd && bd->arr)
            return qr_array_elem(R, bd, e->a, out);
        if (bd && bd->mut && (bd->type == 'i' || bd->type == 'u')) { /* a bit of an integer variable */
            int k;
            if (!qr_int_bit(R, bd, e->a, &k))
                return false;
            *out = vint((long long)((unsigned long long)bd->value.i >> k & 1));
            return true;
        }
        if (bd && bd->bits > 0) { /* a bit of a bit-string constant */
            long long k;
            if (!qr_eval_int(R, e->a, &k, "an index"))
                return false;
            if (k < 0)
                k += bd->bits;
            if (k < 0 || k >= bd->bits) {
                qr_err(R, e->a->loc, "index %lld is out of range for '%s' of %d bits", k, e->name, bd->bits);
                return false;
            }
            *out = vint((long long)((unsigned long long)bd->value.i >> k & 1));
            return true;
        }
        const Reg *r = qr_find_reg(R, e->name);
        if (r && r->bit)
            qr_err(R, e->loc, "'%s[…]' cannot be used as a value: the bits of '%s' are measurement results, known only "
                "when the circuit runs; they can be tested in an 'if' ('if (%s[i] == 1)'), but qgdc computes classical "
                "values as it reads the program", e->name, e->name, e->name);
        else
            qr_err(R, e->loc, "'%s[…]' cannot be used as a value here", e->name);
        return false;
    }
    case QE_SLICE:
    case QE_INDEXSET:
        qr_err(R, e->loc, "'%s[…]' selects several elements: it is an operand, not a value", e->name);
        return false;
    case QE_ARRAY:
        qr_err(R, e->loc, "a list of values in braces only initialises an array");
        return false;
    case QE_CALL:
        if (!eval_call(R, e, out))
            return false;
        break;
    case QE_NEG:
        /* −9223372036854775808: the one literal beyond the range that is in it negated */
        if (e->a->kind == QE_NUM && e->a->num.isint && e->a->num.u == (uint64_t)LLONG_MAX + 1) {
            *out = vint(LLONG_MIN);
            return true;
        }
        if (!qr_eval(R, e->a, &a))
            return false;
        if (a.isint) {
            if (a.i == LLONG_MIN)
                return overflow(R, e);
            *out = vint(-a.i);
        } else
            *out = vreal(-a.f);
        return true;
    case QE_NOT:
        if (!qr_eval(R, e->a, &a))
            return false;
        if (e->op == '~') {
            if (!a.isint) {
                qr_err(R, e->loc, "'~' takes an integer");
                return false;
            }
            *out = vint(~a.i);
            return true;
        }
        *out = vint(a.isint ? a.i == 0 : a.f == 0);
        return true;
    case QE_BIN:
        if (e->op == QOP_AND || e->op == QOP_OR) { /* the right side only when it decides */
            if (!qr_eval(R, e->a, &a))
                return false;
            bool x = a.isint ? a.i != 0 : a.f != 0;
            if (x == (e->op == QOP_OR)) {
                *out = vint(x);
                return true;
            }
            if (!qr_eval(R, e->b, &b))
                return false;
            *out = vint(b.isint ? b.i != 0 : b.f != 0);
            return true;
        }
        if (!qr_eval(R, e->a, &a) || !qr_eval(R, e->b, &b))
            return false;
        if (e->op == '&' || e->op == '|' || e->op == QOP_SHL || e->op == QOP_SHR) {
            static const char *const names[] = {"&", "|", "<<", ">>"};
            int k = e->op == '&' ? 0 : e->op == '|' ? 1 : e->op == QOP_SHL ? 2 : 3;
            if (!a.isint || !b.isint) {
                qr_err(R, e->loc, "'%s' takes integers", names[k]);
                return false;
            }
            if (k >= 2 && (b.i < 0 || b.i > 63)) {
                qr_err(R, e->b->loc, "a shift by %lld: shifts are by 0 to 63 bits", b.i);
                return false;
            }
            *out = vint(k == 0 ? a.i & b.i : k == 1 ? a.i | b.i
                        : k == 2 ? (long long)((unsigned long long)a.i << b.i) : a.i >> b.i);
            return true;
        }
        if (a.isint && b.isint && (e->op == '+' || e->op == '-' || e->op == '*')) {
            long long r;
            bool ovf = e->op == '+'   ? __builtin_add_overflow(a.i, b.i, &r)
                       : e->op == '-' ? __builtin_sub_overflow(a.i, b.i, &r)
                                      : __builtin_mul_overflow(a.i, b.i, &r);
            if (ovf)
                return overflow(R, e);
            *out = vint(r);
            return true;
        }
        switch (e->op) {
        case '+': *out = vreal(vf(a) + vf(b)); break;
        case '-': *out = vreal(vf(a) - vf(b)); break;
        case '*': *out = vreal(vf(a) * vf(b)); break;
        case '/':
        case '%':
            if (b.isint ? b.i == 0 : b.f == 0) {
                qr_err(R, e->loc, "division by zero");
                return false;
            }
            if (a.isint && b.isint) {
                if (b.i == -1) { /* LLONG_MIN / −1 does not fit */
                    if (e->op == '/' && a.i == LLONG_MIN)
                        return overflow(R, e);
                    *out = vint(e->op == '/' ? -a.i : 0);
                } else if (e->op == '%')
                    *out = vint(a.i % b.i);
                else if (a.i % b.i == 0)
                    *out = vint(a.i / b.i);
                else
                    *out = vreal((double)a.i / (double)b.i);
                return true;
            }
            *out = vreal(e->op == '/' ? vf(a) / vf(b) : fmod(vf(a), vf(b)));
            break;
        case '^':
            if (!power(R, e, a, b, out))
                return false;
            break;
        /* values are finite: no NaN to compare */
        case QOP_EQ: *out = vint(compare(a, b) == 0); return true;
        case QOP_NE: *out = vint(compare(a, b) != 0); return true;
        case '<': *out = vint(compare(a, b) < 0); return true;
        case '>': *out = vint(compare(a, b) > 0); return true;
        case QOP_LE: *out = vint(compare(a, b) <= 0); return true;
        case QOP_GE: *out = vint(compare(a, b) >= 0); return true;
        default: ICE("qasm: operator %d", e->op);
        }
        break;
    }
    if (!out->isint && !isfinite(out->f)) {
        qr_err(R, e->loc, "the value of this expression is not a finite number");
        return false;
    }
    return true;
}

/* v as an integer: an integer value, or a real that is exactly an integer
 * of magnitude below 2^53 (beyond, a double no longer tells integers
 * apart: 2^53 + 1 reads as 2^53). */
bool qr_val_int(Reader *R, Loc loc, Val v, long long *out, const char *what)
{
    if (v.isint) {
        *out = v.i;
        return true;
    }
    if (v.f != floor(v.f) || fabs(v.f) >= TWO53) {
        char buf[40];
        qr_err(R, loc, "%s must be an integer, not %s%s", what, fmt_double(v.f, buf, sizeof buf),
            v.f == floor(v.f) ? " (a real number of magnitude 2^53 or more is not an exact integer: write an integer literal)"
                              : "");
        return false;
    }
    *out = (long long)v.f;
    return true;
}

bool qr_eval_int(Reader *R, const QExpr *e, long long *out, const char *what)
{
    Val v;
    return qr_eval(R, e, &v) && qr_val_int(R, e->loc, v, out, what);
}

bool qr_convert(Reader *R, Loc loc, int type, int width, Val v, Val *out, const char *what)
{
    switch (type) {
    case 'B': *out = vint(v.isint ? v.i != 0 : v.f != 0); return true;
    case 'f': *out = vreal(vf(v)); return true;
    case 'a': { /* an angle: modulo 2π, in [0, 2π) */
        double x = fmod(vf(v), 2 * QGD_PI);
        *out = vreal(x < 0 ? x + 2 * QGD_PI : x);
        return true;
    }
    case 'i':
    case 'u': {
        long long i;
        if (!v.isint && v.f != floor(v.f)) {
            char buf[40];
            qr_err(R, loc, "%s: %s is not an integer (convert it with %s(…))", what, fmt_double(v.f, buf, sizeof buf),
                type == 'i' ? "int" : "uint");
            return false;
        }
        if (!qr_val_int(R, loc, v, &i, what))
            return false;
        if (width > 0 && width < 64) { /* wraps: the low width bits */
            unsigned long long m = (1ULL << width) - 1, u = (unsigned long long)i & m;
            i = type == 'i' && (u >> (width - 1)) ? (long long)(u | ~m) : (long long)u;
        } else if (type == 'u' && i < 0) {
            qr_err(R, loc, "%s: %lld is negative and does not fit uint", what, i);
            return false;
        }
        *out = vint(i);
        return true;
    }
    }
    *out = v;
    return true;
}
