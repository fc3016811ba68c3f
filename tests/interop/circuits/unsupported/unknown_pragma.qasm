// Unknown pragmas are errors, not ignored.
// expect-fail: check pragma statement: qgdc.hierarchy are not supported
OPENQASM 3.0;
include "stdgates.inc";
pragma qgdc.hierarchy on
qubit q;
bit c;
c = measure q;
