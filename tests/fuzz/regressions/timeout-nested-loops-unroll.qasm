// timeout: nested constant loops unrolled up to the 2^24-operation limit
// before it was met (14 s and 1.8 GB in qgdc count; the fuzzer's timeout);
// now the work a loop will do at least is counted before it is unrolled,
// and the limit is met at once (exit 1).
OPENQASM 3;
include "stdgates.inc";
qubit q;
for i in [0:100000] { for j in [0:100000] { for k in [0:100000] { x q; } } }
