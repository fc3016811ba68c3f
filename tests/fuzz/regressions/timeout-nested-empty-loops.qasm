// timeout: loops with empty bodies still count one operation an iteration;
// 10^10 of them ran up to the unroll limit one by one (1 s here, minutes
// with the fuzzer's instrumentation); now refused before the first one.
OPENQASM 3;
for i in [0:100000] { for j in [0:100000] { } }
