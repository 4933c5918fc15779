// libFuzzer target for SDP (control/sdp), built with clang++ and
// -fsanitize=fuzzer,address,undefined by tests/fuzz/CMakeLists.txt. Each input is one SDP
// body as a SIP peer could send it; it goes through everything control does with one:
//   - parse_sdp (sofia-sip's parser underneath, then our validation);
//   - answer() under each SRTP policy with a wide codec list: a produced answer must parse
//     again and keep one m= line per offered one (RFC 3264 6);
//   - accept_answer() treating the input as the answer to our own offer.
// A broken invariant calls __builtin_trap(), which libFuzzer reports as a crash.
//
//   build/bin/sdp_parse_fuzz -runs=1000000 CORPUS_COPY_DIR   (see tests/fuzz/README.md)

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control/sdp/sdp_answer.hpp"
#include "control/sdp/sdp_offer.hpp"
#include "control/sdp/sdp_parse.hpp"

namespace sdp = dialcore::control::sdp;
using dialcore::codecs::CodecId;

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

sdp::LocalMedia local(sdp::SrtpPolicy policy) {
  sdp::LocalMedia l;
  l.address = dialcore::dataplane::NetAddress::v4(192, 0, 2, 1, 30000);
  l.codecs = {CodecId::Opus, CodecId::G729, CodecId::Pcma,
              CodecId::Pcmu, CodecId::L16,  CodecId::TelephoneEvent};
  l.srtp = policy;
  l.srtp_key_material.fill(0x5A);
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto parsed = sdp::parse_sdp(body);
  for (const auto policy :
       {sdp::SrtpPolicy::Off, sdp::SrtpPolicy::Optional, sdp::SrtpPolicy::Required}) {
    sdp::SdpSession session(1, 1, dialcore::dataplane::NetAddress::v4(192, 0, 2, 1, 0));
    const auto r = sdp::answer(body, local(policy), session);
    require(r.ok() == !r.sdp.empty());
    if (!r.ok()) continue;
    const auto again = sdp::parse_sdp(r.sdp);
    require(again.ok());
    require(parsed.ok() && again.description.media.size() == parsed.description.media.size());
  }
  sdp::SdpSession ours(2, 1, dialcore::dataplane::NetAddress::v4(192, 0, 2, 1, 0));
  const auto offer = sdp::offer(local(sdp::SrtpPolicy::Optional), ours);
  (void)sdp::accept_answer(offer.description, body, local(sdp::SrtpPolicy::Optional));
  return 0;
}
