#pragma once
// `dialbench recording`: N concurrent recordings through RecordingProducer and one recorder
// thread, paced at real time or unpaced; recorder CPU per stream, bytes written per second,
// dropped chunks, and a plain sequential writer of the same bytes in the same run (issue 5).

namespace dialcore::bench {

int run_recording_bench(int argc, char** argv);

}  // namespace dialcore::bench
