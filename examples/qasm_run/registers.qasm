// Two classical registers, to show how counts are printed: the last-declared register (cb)
// comes first, and within a register the highest bit comes first. Always "1 01".
OPENQASM 2.0;
include "qelib1.inc";
qreg a[2];
qreg b[1];
creg ca[2];
creg cb[1];
x a[0];
x b[0];
measure a -> ca;
measure b -> cb;
