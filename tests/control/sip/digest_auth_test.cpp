// Server-side digest checks (RFC 2617 with qop=auth and without), stateless nonces with
// expiry (stale) and forgery, against responses computed here independently of sofia
// (label sip).
#include <catch2/catch.hpp>

#include "sip_test_support.hpp"

#include "control/sip/digest_auth.hpp"

#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

namespace dialcore::test {
namespace {

using control::sip::check_digest;
using control::sip::DigestOutcome;
using control::sip::Ha1Table;
using control::sip::NonceIssuer;
using control::sip::NonceState;

constexpr const char* kRealm = "dialcore.test";
constexpr const char* kUri = "sip:127.0.0.1:5060";

struct Home {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  ~Home() { su_home_deinit(home); }
};

// The Authorization a handset would send for `password`, qop=auth (nc 1) or RFC 2069 style.
std::string authorization(const std::string& user, const std::string& password,
                          const std::string& nonce, bool qop, const std::string& realm = kRealm) {
  const std::string ha1 = md5_hex(user + ":" + realm + ":" + password);
  const std::string ha2 = md5_hex(std::string("REGISTER:") + kUri);
  const std::string response = qop ? md5_hex(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + ha2)
                                   : md5_hex(ha1 + ":" + nonce + ":" + ha2);
  std::string h = "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce +
                  "\", uri=\"" + kUri + "\", response=\"" + response + "\", algorithm=MD5";
  if (qop) h += ", qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
  return h;
}

DigestOutcome check(const std::string& header, const NonceIssuer& nonces, std::uint64_t now_s,
                    const Ha1Table& users, std::string* user = nullptr) {
  Home home;
  sip_authorization_t* au = sip_authorization_make(home.home, header.c_str());
  REQUIRE(au != nullptr);
  const auto r = check_digest(au, kRealm, "REGISTER", nonces, now_s, users);
  if (user != nullptr) *user = r.username;
  return r.outcome;
}

}  // namespace

TEST_CASE("digest: the right password passes, a wrong one or an unknown user does not",
          "[sip][digest]") {
  NonceIssuer nonces(300);
  const Ha1Table users = {{"ext101", md5_hex(std::string("ext101:") + kRealm + ":s3cret")}};
  const std::string nonce = nonces.issue(1000);
  std::string user;
  CHECK(check(authorization("ext101", "s3cret", nonce, true), nonces, 1010, users, &user) ==
        DigestOutcome::Ok);
  CHECK(user == "ext101");
  CHECK(check(authorization("ext101", "s3cret", nonce, false), nonces, 1010, users) ==
        DigestOutcome::Ok);
  CHECK(check(authorization("ext101", "wrong", nonce, true), nonces, 1010, users) ==
        DigestOutcome::Bad);
  CHECK(check(authorization("ext102", "s3cret", nonce, true), nonces, 1010, users) ==
        DigestOutcome::Bad);
  // Another realm's credentials are not ours: challenge.
  CHECK(check(authorization("ext101", "s3cret", nonce, true, "other"), nonces, 1010, users) ==
        DigestOutcome::NoCredentials);
}

TEST_CASE("digest: nonces expire (stale) and cannot be forged or borrowed", "[sip][digest]") {
  NonceIssuer nonces(300);
  NonceIssuer other(300);  // another process: another secret
  const Ha1Table users = {{"ext101", md5_hex(std::string("ext101:") + kRealm + ":s3cret")}};
  const std::string nonce = nonces.issue(1000);
  CHECK(nonces.check(nonce, 1300) == NonceState::Valid);
  CHECK(nonces.check(nonce, 1301) == NonceState::Stale);
  CHECK(other.check(nonce, 1000) == NonceState::Invalid);
  std::string forged = nonce;
  forged[3] = forged[3] == '0' ? '1' : '0';  // another issue time, same MAC
  CHECK(nonces.check(forged, 1000) == NonceState::Invalid);
  CHECK(nonces.check("short", 1000) == NonceState::Invalid);
  // The right password on an old nonce: stale (challenge again with stale=true).
  CHECK(check(authorization("ext101", "s3cret", nonce, true), nonces, 2000, users) ==
        DigestOutcome::Stale);
  // A wrong password on an old nonce is still just wrong.
  CHECK(check(authorization("ext101", "nope", nonce, true), nonces, 2000, users) ==
        DigestOutcome::Bad);
  CHECK(check(authorization("ext101", "s3cret", forged, true), nonces, 1000, users) ==
        DigestOutcome::Bad);
  const std::string challenge = control::sip::digest_challenge(kRealm, nonce, true);
  CHECK(challenge.find("nonce=\"" + nonce + "\"") != std::string::npos);
  CHECK(challenge.find("stale=true") != std::string::npos);
  CHECK(challenge.find("qop=\"auth\"") != std::string::npos);
}

}  // namespace dialcore::test
