/* cmd_circuit.c — the commands on OpenQASM 3 files:
 *   qgdc count FILE.qasm      exact logical counts (hierarchical, GMP) and
 *                             the surface-code physical estimate
 *   qgdc sim FILE.qasm        state-vector simulation: distribution of the
 *                             measured bits, post-selection probabilities,
 *                             sampled shots, amplitudes
 *   qgdc qasm FILE.qasm       re-emit (hierarchical, or --flat in the basis)
 * Pipeline: qasm_load ─► circuit IR ─► res_count | sim_run | qasm_emit. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/qasm_emit.h"
#include "codegen/resources.h"
#include "driver/commands.h"
#include "frontend/qasm_read.h"
#include "ir/circuit.h"
#include "report/sim.h"
#include "sim/distribution.h"
#include "sim/exec.h"
#include "sim/statevec.h"
#include "support/diag.h"
#include "support/json.h"
#include "support/util.h"

/* --input NAME=VALUE (repeatable): the values of the program's 'input'
 * declarations, handed to the reader (qasm_inputs). False (reported) when
 * the argument is not NAME=VALUE or NAME is given twice. */
static bool add_input(const char *cmd, const char *arg)
{
    static const char **v;
    size_t nl = strcspn(arg, "=");
    if (!arg[nl] || nl == 0) {
        fprintf(stderr, "qgdc %s: --input takes NAME=VALUE (the value of the program's 'input' NAME), not '%s'\n", cmd, arg);
        return false;
    }
    for (int i = 0; i < qasm_inputs.n; i++)
        if (!strncmp(v[i], arg, nl + 1)) {
            fprintf(stderr, "qgdc %s: --input %.*s is given twice\n", cmd, (int)nl, arg);
            return false;
        }
    v = xrealloc(v, ((size_t)qasm_inputs.n + 1) * sizeof *v);
    v[qasm_inputs.n++] = arg;
    qasm_inputs.v = v;
    return true;
}

static bool load(const char *path, Circuit *c, SrcFile **src)
{
    if (qasm_load(path, c, src))
        return true;
    print_error_count(path);
    return false;
}

/* ---- count ---- */

static void usage_count(FILE *out)
{
    fputs("usage: qgdc count [options] FILE.qasm\n"
          "\n"
          "Exact logical resource counts of an OpenQASM 3 circuit, counted through\n"
          "its hierarchy with GMP integers (a definition is costed once and\n"
          "multiplied), following the Microsoft resource estimator's conventions:\n"
          "Cliffords free, t/tdg one T, a rotation by an angle that is not a multiple\n"
          "of pi/4 one rotation, ccx/ccz one CCZ, one measurement per measured qubit.\n"
          "Then the surface-code physical estimate (code distance, physical qubits,\n"
          "T factories, runtime).\n"
          "\n"
          "options:\n"
          "  --qubit MODEL    qubit_gate_ns_e3 (default), qubit_gate_ns_e4, qubit_gate_us_e3,\n"
          "                   qubit_gate_us_e4, qubit_maj_ns_e4, qubit_maj_ns_e6\n"
          "  --budget E       total error budget (default 1e-3)\n"
          "  --no-physical    logical counts only\n"
          "  --input N=V      the value of the program's 'input' N (repeatable)\n"
          "  --json           JSON for scripts\n"
          "  -o, --output F   write to F (atomically)\n"
          "  -h, --help       this help\n",
          out);
}

int cmd_count(int argc, char **argv)
{
    enum { O_QUBIT = 256, O_BUDGET, O_NOPHYS, O_JSON, O_INPUT };
    static const struct option longopts[] = {
        {"input", required_argument, NULL, O_INPUT},
        {"qubit", required_argument, NULL, O_QUBIT}, {"budget", required_argument, NULL, O_BUDGET},
        {"no-physical", no_argument, NULL, O_NOPHYS}, {"json", no_argument, NULL, O_JSON},
        {"output", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ResPhysOptions po;
    memset(&po, 0, sizeof po);
    bool json = false, physical = true;
    const char *output = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case O_QUBIT:
            po.qubit = res_qubit_model(optarg);
            if (!po.qubit) {
                fprintf(stderr, "qgdc count: unknown qubit model '%s' (see --help)\n", optarg);
                return 2;
            }
            break;
        case O_BUDGET:
            if (!arg_number(optarg, 1e-15, 0.5, &po.budget)) {
                fprintf(stderr, "qgdc count: --budget takes a number in (0, 0.5]\n");
                return 2;
            }
            break;
        case O_NOPHYS: physical = false; break;
        case O_INPUT: if (!add_input("count", optarg)) return 2; break;
        case O_JSON: json = true; break;
        case 'o': output = optarg; break;
        case 'h': usage_count(stdout); return 0;
        default: usage_count(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc count: expected one input file\n");
        usage_count(stderr);
        return 2;
    }
    Circuit circ;
    SrcFile *src = NULL;
    if (!load(argv[optind], &circ, &src)) {
        srcfile_free(src);
        return 1;
    }
    ResCounts rc;
    res_init(&rc);
    res_count(&circ, &rc);
    ResPhysical ph;
    res_phys_init(&ph);
    char *err = NULL;
    bool have_phys = physical && res_physical(&rc, &po, &ph, &err);
    int status = 0;
    OutFile o;
    if (!out_open(&o, output)) {
        status = 1;
    } else {
        if (json) {
            JsonWriter w;
            json_init(&w, o.fp);
            res_json(&rc, have_phys ? &ph : NULL, &w);
            json_finish(&w);
        } else {
            res_print(&rc, have_phys ? &ph : NULL, o.fp);
            if (physical && !have_phys)
                fprintf(o.fp, "\nno physical estimate: %s\n", err);
        }
        if (!out_commit(&o)) {
            status = 1;
        }
    }
    free(err);
    res_phys_clear(&ph);
    res_clear(&rc);
    circuit_free(&circ);
    srcfile_free(src);
    return status;
}

/* ---- qasm ---- */

static void usage_qasm(FILE *out)
{
    fputs("usage: qgdc qasm [--flat] [--version 3|2] [--input N=V]... [-o OUT.qasm] FILE.qasm\n"
          "\n"
          "Reads an OpenQASM 3 circuit and writes it again as qgdc emits it: gate\n"
          "definitions and modifiers kept (portable to Microsoft's QDK), or with\n"
          "--flat lowered to the basis h s sdg t tdg x y z sx rx ry rz p cx cz swap\n"
          "ccx, measure, reset (multi-controlled gates through ancilla qubits).\n"
          "--version 2 writes OpenQASM 2.0 for tools that read only 2.0: the flat\n"
          "form with qelib1.inc's gates (p as u1), qreg/creg, measure a -> b, and\n"
          "if (creg == k) where a condition tests a whole register (others are\n"
          "refused). Equal to the circuit up to a global phase.\n"
          "--input N=V gives the program's 'input' N its value (repeatable).\n",
          out);
}

int cmd_qasm(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"flat", no_argument, NULL, 'f'},   {"version", required_argument, NULL, 'V'},
        {"input", required_argument, NULL, 'I'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool flat = false;
    int version = 3;
    const char *output = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': flat = true; break;
        case 'I': if (!add_input("qasm", optarg)) return 2; break;
        case 'V':
            if (!strcmp(optarg, "2") || !strcmp(optarg, "2.0"))
                version = 2;
            else if (!strcmp(optarg, "3") || !strcmp(optarg, "3.0"))
                version = 3;
            else {
                fprintf(stderr, "qgdc qasm: --version takes 3 (OpenQASM 3.0, the default) or 2 (OpenQASM 2.0)\n");
                return 2;
            }
            break;
        case 'o': output = optarg; break;
        case 'h': usage_qasm(stdout); return 0;
        default: usage_qasm(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage_qasm(stderr);
        return 2;
    }
    Circuit circ;
    SrcFile *src = NULL;
    if (!load(argv[optind], &circ, &src)) {
        srcfile_free(src);
        return 1;
    }
    int status = 0;
    OutFile o;
    char *err = NULL;
    uint32_t npost = 0;
    if (!out_open(&o, output)) {
        status = 1;
    } else if (version == 2 ? !qasm_emit2(&circ, o.fp, &npost, &err) : !qasm_emit(&circ, flat, o.fp, &err)) {
        out_abort(&o);
        diag_plain("%s", err);
        status = 1;
    } else if (!out_commit(&o)) {
        status = 1;
    } else if (npost) {
        fprintf(stderr,
                "qgdc qasm: note: OpenQASM 2.0 has no post-selection: %u post-selected qubit%s written as "
                "%s into register ps with a '// post-select' comment, which qgdc reads back; other "
                "2.0 tools see plain measurements\n",
                npost, npost == 1 ? " is" : "s are", npost == 1 ? "a measurement" : "measurements");
    }
    free(err);
    circuit_free(&circ);
    srcfile_free(src);
    return status;
}

/* ---- sim ---- */

static void usage_sim(FILE *out)
{
    fputs("usage: qgdc sim [options] FILE.qasm\n"
          "\n"
          "Simulates an OpenQASM 3 circuit on a state vector. When every measurement\n"
          "comes at the end, the exact distribution of the measured bits is computed\n"
          "once and shots are sampled from it; otherwise the circuit is run once per\n"
          "shot. Post-selections (qgdc's '// post-select' measurements) keep their\n"
          "branch and report its probability.\n"
          "\n"
          "options:\n"
          "  --shots N        samples to draw (default 1000; 0: none)\n"
          "  --seed S         random seed (default 1)\n"
          "  --state          print the amplitudes of the final state (before terminal\n"
          "                   measurements)\n"
          "  --json           JSON for scripts: probabilities, post-selections, counts\n"
          "  --input N=V      the value of the program's 'input' N (repeatable)\n"
          "  -o, --output F   write to F (atomically)\n"
          "  -h, --help       this help\n",
          out);
}

/* Splits the main block into a body and a tail of terminal measurements
 * (measure and barrier only). True when every measurement is in the tail. */
int cmd_sim(int argc, char **argv)
{
    enum { O_SHOTS = 256, O_SEED, O_STATE, O_JSON, O_INPUT };
    static const struct option longopts[] = {
        {"input", required_argument, NULL, O_INPUT},
        {"shots", required_argument, NULL, O_SHOTS}, {"seed", required_argument, NULL, O_SEED},
        {"state", no_argument, NULL, O_STATE},      {"json", no_argument, NULL, O_JSON},
        {"output", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    double shots = 1000, seed = 1;
    bool json = false, state = false;
    const char *output = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case O_SHOTS:
            if (!arg_whole(optarg, 0, 1e9, &shots)) {
                fprintf(stderr, "qgdc sim: --shots takes a whole number 0..1e9\n");
                return 2;
            }
            break;
        case O_SEED:
            if (!arg_whole(optarg, 0, 4294967295.0, &seed)) {
                fprintf(stderr, "qgdc sim: --seed takes a whole number 0..4294967295\n");
                return 2;
            }
            break;
        case O_STATE: state = true; break;
        case O_INPUT: if (!add_input("sim", optarg)) return 2; break;
        case O_JSON: json = true; break;
        case 'o': output = optarg; break;
        case 'h': usage_sim(stdout); return 0;
        default: usage_sim(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "qgdc sim: expected one input file\n");
        usage_sim(stderr);
        return 2;
    }
    Circuit circ;
    SrcFile *src = NULL;
    if (!load(argv[optind], &circ, &src)) {
        srcfile_free(src);
        return 1;
    }
    /* more than SIM_DIST_MAX_BITS bits: only the measured ones are shown */
    uint32_t *shown = xcalloc(circ.nbits + 1, sizeof *shown);
    uint32_t nshown = sim_dist_shown(&circ, shown);
    if (nshown > SIM_DIST_MAX_BITS) {
        char need[32];
        diag_plain("the circuit measures into %u of its %u classical bits; qgdc sim reports distributions of at "
                   "most %d bits (2^%u values would need %s)",
                   nshown, circ.nbits, SIM_DIST_MAX_BITS, nshown, mem_human(ldexp(16.0, (int)nshown), need, sizeof need));
        free(shown);
        circuit_free(&circ);
        srcfile_free(src);
        return 1;
    }
    if (nshown < circ.nbits) {
        fprintf(stderr, "qgdc sim: note: %u classical bits, %u of them measured: the bits shown are", circ.nbits,
                nshown);
        for (uint32_t i = nshown; i-- > 0;) {
            const Register *r = circ.cregs;
            while (shown[i] >= r->offset + r->size)
                r++;
            fprintf(stderr, " %s[%u]", r->name, shown[i] - r->offset);
        }
        fprintf(stderr, "%s (the others read 0)\n", nshown ? "" : " none");
    }
    free(shown);
    int status = 0;
    char *err = NULL;
    SimDistribution d;
    SimRunResult res;
    memset(&res, 0, sizeof res);
    StateVec *sv = sim_distribution(&circ, (uint64_t)shots, (unsigned long)seed, isatty(2), &d, &res, &err);
    if (!sv || err) {
        diag_plain("%s", err ? err : "simulation failed");
        status = 1;
    } else {
        OutFile o;
        if (!out_open(&o, output)) {
            status = 1;
        } else {
            if (json) {
                JsonWriter w;
                json_init(&w, o.fp);
                report_sim_json(circ.nqubits, &d, &res, &w);
                json_finish(&w);
            } else {
                report_sim(argv[optind], circ.nqubits, &d, &res, state ? sv : NULL, o.fp);
            }
            if (!out_commit(&o))
                status = 1;
        }
    }
    free(err);
    sim_distribution_free(&d);
    sim_destroy(sv);
    sim_run_result_free(&res);
    circuit_free(&circ);
    srcfile_free(src);
    return status;
}
