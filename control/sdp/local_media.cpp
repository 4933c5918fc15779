#include "control/sdp/local_media.hpp"

#include "codecs/names/codec_registry.hpp"
#include "codecs/names/fmtp.hpp"

namespace dialcore::control::sdp {

std::vector<codecs::CodecId> default_codecs() {
  return {codecs::CodecId::Pcmu, codecs::CodecId::Pcma, codecs::CodecId::TelephoneEvent};
}

std::vector<SrtpSuite> default_srtp_suites() {
  return {SrtpSuite::AesCm128HmacSha1_80, SrtpSuite::AesCm128HmacSha1_32, SrtpSuite::AeadAes128Gcm};
}

std::optional<codecs::CodecId> codec_from_name(std::string_view name) {
  for (const auto& c : codecs::all_codecs()) {
    if (codecs::iequals(c.sdp_name, name)) return c.id;
  }
  return std::nullopt;
}

}  // namespace dialcore::control::sdp
