// Unknown annotations on gate definitions are errors too.
// expect-fail: check unexpected annotation: @qgdc.level
OPENQASM 3.0;
include "stdgates.inc";
@qgdc.level 3
gate g a {
  h a;
}
qubit q;
bit c;
g q;
c = measure q;
