#pragma once
// `dialbench sip`: SIP load through the B2BUA (issue 7, Load). README.md in this folder.

namespace dialcore::bench {

int run_sip_bench(int argc, char** argv);

}  // namespace dialcore::bench
