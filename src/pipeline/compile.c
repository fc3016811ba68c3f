/* compile.c — the passes of each pipeline in order (compile.h). */
#include "pipeline/compile.h"

#include <string.h>

#include "codegen/lower.h"
#include "codegen/qasm_emit.h"
#include "passes/carleman_be.h"
#include "support/diag.h"
#include "support/util.h"

static const PassId gd_pauli[] = {PASS_PROBLEM, PASS_CARLEMAN, PASS_UNROLL, PASS_DILATE,
                                  PASS_ENCODE,  PASS_SOLVER,   PASS_LOWER,  PASS_COUNT};
static const PassId gd_structured[] = {PASS_PROBLEM, PASS_ENCODE, PASS_SOLVER, PASS_LOWER, PASS_COUNT};
static const PassId ntk[] = {PASS_PROBLEM, PASS_DILATE, PASS_ENCODE, PASS_SOLVER, PASS_LOWER, PASS_COUNT};

const PassId *const pipeline_passes[PIPE_KINDS] = {gd_pauli, gd_structured, ntk};
const char *const pipeline_names[PIPE_KINDS] = {"gd (Pauli encoding)", "gd (structured encoding)", "ntk"};

const char *pipeline_pass_list(PipelineKind k)
{
    static char buf[256];
    buf[0] = 0;
    for (const PassId *p = pipeline_passes[k]; *p != PASS_COUNT; p++) {
        if (buf[0])
            strcat(buf, ", ");
        strcat(buf, pass_names[*p]);
    }
    return buf;
}

PipelineKind pipeline_of(const GdProblem *gd, const NtkProblem *ntkp, bool for_run)
{
    (void)ntkp;
    if (gd)
        return gd->opt.block_encoding == BE_STRUCTURED && !for_run ? PIPE_GD_STRUCTURED : PIPE_GD_PAULI;
    return PIPE_NTK;
}

/* gd with the structured encoding: the circuit `qgdc estimate` counts,
 * built from the data (estimate.h); the caller makes the physical
 * estimate. */
static bool compile_structured(const GdProblem *p, const CompileOptions *o, Compiled *out, char **err)
{
    out->have_shape = true;
    if (!cbe_model_of(p, &out->shape, err))
        return false;
    if (o->kappa0 > 0)
        out->shape.kappa0 = o->kappa0;
    if (o->precision > 0)
        out->shape.eps = o->precision;
    EstimateOptions eo = {.explicit_build = true, .clock_bits = o->clock_bits, .no_physical = true, .dump = o->dump,
                          .qsvt = p->opt.set[OPTION_solver] && p->opt.solver == SOLVER_QSVT};
    out->ran = true; /* estimate_build initialises est whatever happens */
    /* the table look-ups: select-swap when asked for (block size within
     * max_logical_qubits, else the least CCZ), or under algorithm = best
     * when it has the smaller space-time volume (estimate.h) */
    const Options *opt = &p->opt;
    bool want_q = opt->set[OPTION_data_loading] ? opt->data_loading == LOADING_QROAM
                                                : opt->algorithm == ALGORITHM_BEST && !o->paper_api;
    if (want_q && opt->set[OPTION_data_loading]) {
        Estimate eu; /* the room the budget leaves beside the unary look-ups */
        bool need_u = opt->max_logical_qubits > 0 && o->qroam_k <= 0;
        EstimateOptions e0 = eo;
        e0.dump = NULL;
        if (need_u && !estimate_build(&out->shape, p, &e0, &eu, err)) {
            estimate_free(&eu);
            return false;
        }
        bool ok = estimate_build_qroam_asked(&out->shape, p, &eo, need_u ? &eu : NULL,
                                             o->qroam_k > 0 ? (unsigned)o->qroam_k : 0, &out->est, err);
        if (need_u)
            estimate_free(&eu);
        if (!ok)
            return false;
    } else {
        if (!estimate_build(&out->shape, p, &eo, &out->est, err))
            return false;
        Estimate eq;
        if (want_q && !o->dump && estimate_build_qroam(&out->shape, p, &eo, &out->est, opt->max_logical_qubits, &eq)) {
            estimate_free(&out->est);
            out->est = eq;
        }
    }
    if (out->est.qsvt && !out->est.qsvt_built)
        return diag_refuse(err,
                           "QSVT degree %lu: the structured circuit builds QSVT up to degree %d (qgdc estimate counts "
                           "it beyond)",
                           out->est.qsvt_degree, EST_QSVT_BUILD_MAX);
    if (out->est.p > EST_BUILD_INVERT_MAX)
        return diag_refuse(err,
                           "%u clock bits: the structured circuit builds its inversion up to %d clock bits (qgdc "
                           "estimate counts it beyond)",
                           out->est.p, EST_BUILD_INVERT_MAX);
    out->circ = &out->est.c;
    out->counts = &out->est.run;
    return true;
}

bool pipeline_compile(const GdProblem *gd, const NtkProblem *ntkp, const CompileOptions *o, Compiled *out,
                      char **err)
{
    memset(out, 0, sizeof *out);
    circuit_init(&out->lowered);
    out->kind = pipeline_of(gd, ntkp, o->for_run);
    out->test_point = o->test_point;
    const Options *opt = gd ? &gd->opt : &ntkp->opt;
    if (opt->set[OPTION_gate_set] && o->for_run && opt->gate_set == GATES_CLIFFORD_T)
        diag_note(gd ? gd->loc : ntkp->loc,
                  "gate_set = clifford_t: run simulates the circuit with its rotations; compile writes it over "
                  "Clifford+T (docs/synthesis.md)");
    if (dump_wants(o->dump, PASS_PROBLEM)) {
        if (gd)
            gd_dump(gd, o->dump->out);
        else
            ntk_dump(ntkp, o->dump->out);
        dump_done(o->dump);
    }
    AmplifyMode amp = o->amplify != AMPLIFY_NONE ? o->amplify
                      : opt->set[OPTION_amplify] ? opt->amplify : AMPLIFY_NONE;
    if (amp != AMPLIFY_NONE && out->kind != PIPE_GD_PAULI)
        return diag_refuse(err, "amplify = %s is built for gd problems with the Pauli encoding, not for the %s "
                                "pipeline",
                           amplify_mode_names[amp], pipeline_names[out->kind]);
    switch (out->kind) {
    case PIPE_GD_STRUCTURED:
        if (!compile_structured(gd, o, out, err))
            return false;
        break;
    case PIPE_GD_PAULI: {
        out->ran = true;
        QRunOptions q = {.kappa0 = o->kappa0, .clock_bits = o->clock_bits, .precision = o->precision,
                         .simulate = false, .measure = true, .dump = o->dump};
        if (!o->paper_api)
            qrun_options_for(gd, &q);
        if (o->amplify != AMPLIFY_NONE)
            q.amplify = o->amplify, q.amplify_auto = false;
        if (!qrun_gd(gd, &q, &out->r, err))
            return false;
        out->circ = &out->r.qs.c;
        out->counts = &out->r.res;
        break;
    }
    case PIPE_NTK: {
        out->ran = true;
        NtkQOptions no = {.kappa0 = o->kappa0, .clock_bits = o->clock_bits, .precision = o->precision,
                          .simulate = false, .test = o->test_point, .dump = o->dump};
        if (!ntk_qrun(ntkp, &no, &out->nr, err))
            return false;
        out->circ = &out->nr.qs.c;
        out->counts = &out->nr.res;
        break;
    }
    case PIPE_KINDS: ICE("pipeline_compile: bad kind");
    }
    if (o->lower || dump_wants(o->dump, PASS_LOWER)) {
        LowerOptions lo = {QASM_FLAT_MAX_OPS};
        circuit_free(&out->lowered);
        if (!lower_circuit(out->circ, &out->lowered, &lo, err))
            return false;
        out->have_lowered = true;
        if (dump_wants(o->dump, PASS_LOWER))
            circuit_dump(&out->lowered, o->dump->out), dump_done(o->dump);
    }
    return true;
}

void compiled_free(Compiled *c)
{
    if (c->ran) {
        switch (c->kind) {
        case PIPE_GD_STRUCTURED: estimate_free(&c->est); break;
        case PIPE_GD_PAULI: qrun_free(&c->r); break;
        case PIPE_NTK: ntk_qrun_free(&c->nr); break;
        case PIPE_KINDS: break;
        }
    }
    if (c->have_shape)
        model_free(&c->shape);
    circuit_free(&c->lowered);
    memset(c, 0, sizeof *c);
}
