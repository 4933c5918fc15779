#pragma once
// RFC 4475 ("SIP Torture Test Messages") vectors, trimmed to the defect each one exercises.
// "$VIA" is replaced by the sender's Via (so answers come back to the test's socket) and
// lines end with CRLF after expansion ("\n" in the text). `rfc` is the answer RFC 4475 asks
// for (0: drop it, no answer)
// (torture_test.cpp lists what sofia's parser flags).

#include <string>
#include <vector>

namespace dialcore::test {

struct TortureVector {
  const char* name;     // RFC 4475's name
  const char* section;  // RFC 4475 section
  std::string text;
  int rfc;  // expected status on the wire (0: no answer)
};

inline const std::vector<TortureVector>& torture_vectors() {
  using namespace std::string_literals;  // intmeth carries a NUL in a quoted-pair
  static const std::vector<TortureVector> v = {
      // 3.1.1.1 wsinv: line folding, odd case and whitespace, leading zeros, empty header
      // (To's tag dropped so the OPTIONS is out of dialog and gets 200).
      {"wsinv", "3.1.1.1",
       "OPTIONS sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
       "TO :\n sip:vivekg@chair-dnrc.example.com\n"
       "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n  ;\n  tag = 98asjd8\n"
       "MaX-fOrWaRdS: 0068\n"
       "Call-ID: wsinv.ndaksdj@192.0.2.1\n"
       "Content-Length   : 0\n"
       "cseq: 0009\n  OPTIONS\n"
       "$VIA\n"
       "s :\n"
       "NewFangledHeader:   newfangled value\n continued newfangled value\n"
       "UnknownHeaderWithUnusualValue: ;;,,;;,;\n\n",
       200},
      // 3.1.1.2 intmeth: an unknown method made of every token character.
      {"intmeth", "3.1.1.2",
       "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/"
       "crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\n"
       "$VIA\n"
       "To: \"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7F\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/"
       "crazy?,/;;*@example.com>\n"
       "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;"
       "fromParam''~+*_!.-%=\"\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\xD1\x8E\xD1\x89"
       "\xD0\xB8\xD0\xB9\";tag=_token~1'+`*%!-.\n"
       "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
       "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\n"
       "Max-Forwards: 255\n"
       "extensionHeader-!.%*+_`'~:\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB\n"
       "Content-Length: 0\n\n"s,
       501},
      // 3.1.2.2 clerr: Content-Length larger than the datagram.
      {"clerr", "3.1.2.2",
       "INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 80\n"
       "To: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=93942939o2\n"
       "Contact: <sip:caller@hungry.example.net>\nCall-ID: clerr.0ha0isndaksdjweiafasdk3\n"
       "CSeq: 8 INVITE\n$VIA\nContent-Type: application/sdp\nContent-Length: 9999\n\n"
       "v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.155\ns=-\n",
       400},
      // 3.1.2.3 ncl: a negative Content-Length.
      {"ncl", "3.1.2.3",
       "INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 254\n"
       "To: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=32394234\n"
       "Call-ID: ncl.0ha0isndaksdj2193423r542w35\nCSeq: 0 INVITE\n$VIA\n"
       "Contact: <sip:caller@example53.example.net>\nContent-Type: application/sdp\n"
       "Content-Length: -999\n\nv=0\n",
       400},
      // 3.1.2.4 scalar02: overlarge CSeq, Max-Forwards and Expires.
      {"scalar02", "3.1.2.4",
       "REGISTER sip:example.com SIP/2.0\n$VIA\nMax-Forwards: 300\n"
       "From: sip:user@example.com;tag=239232jh3\nTo: sip:user@example.com\n"
       "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\nCSeq: 36893488147419103232 REGISTER\n"
       "Contact: <sip:user@host129.example.com>;expires=280297596632815\n"
       "Content-Length: 0\n\n",
       400},
      // 3.1.2.6 quotbal: an unterminated quoted display name.
      {"quotbal", "3.1.2.6",
       "INVITE sip:user@example.com SIP/2.0\nTo: \"Mr. J. User <sip:j.user@example.com>\n"
       "From: sip:caller@example.net;tag=93334\nMax-Forwards: 10\n"
       "Call-ID: quotbal.aksdj\nContact: <sip:caller@host59.example.net>\nCSeq: 8 INVITE\n"
       "$VIA\nContent-Length: 0\n\n",
       400},
      // 3.1.2.7 ltgtruri: the Request-URI in <>.
      {"ltgtruri", "3.1.2.7",
       "INVITE <sip:user@example.com> SIP/2.0\nTo: sip:user@example.com\n"
       "From: sip:caller@example.net;tag=39291\nMax-Forwards: 23\nCall-ID: ltgtruri.1@192.0.2.5\n"
       "CSeq: 1 INVITE\n$VIA\nContact: <sip:caller@host5.example.net>\nContent-Length: 0\n\n",
       400},
      // 3.1.2.8 lwsruri: whitespace inside the Request-URI.
      {"lwsruri", "3.1.2.8",
       "INVITE sip:user@example.com; lr SIP/2.0\nTo: sip:user@example.com;tag=3xfe-9921883-z9f\n"
       "From: sip:caller@example.net;tag=231413434\nMax-Forwards: 5\n"
       "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrs\nCSeq: 23 INVITE\n$VIA\n"
       "Contact: <sip:caller@host4.example.net>\nContent-Length: 0\n\n",
       400},
      // 3.1.2.9 lwsstart: several SP between the request-line's elements.
      {"lwsstart", "3.1.2.9",
       "INVITE  sip:user@example.com  SIP/2.0\nMax-Forwards: 8\nTo: sip:user@example.com\n"
       "From: sip:caller@example.net;tag=8814\nCall-ID: "
       "lwsstart.dfknq234oi243099adsdfnawe3@example.com\n"
       "CSeq: 1893884 INVITE\n$VIA\nContact: <sip:caller@host1.example.net>\nContent-Length: 0\n\n",
       400},
      // 3.1.2.10 trws: SP at the end of the request-line.
      {"trws", "3.1.2.10",
       "OPTIONS sip:remote-target@example.com SIP/2.0  \n$VIA\nMax-Forwards: 0\n"
       "To: <sip:remote-target@example.com>\nFrom: <sip:local-resource@example.com>;tag=329429089\n"
       "Call-ID: trws.oicu34958239neffasdhr2345r\nAccept: application/sdp\nCSeq: 238923 OPTIONS\n"
       "Content-Length: 0\n\n",
       400},
      // 3.1.2.16 badvers: an unknown protocol version.
      {"badvers", "3.1.2.16",
       "OPTIONS sip:t.watson@example.org SIP/7.0\n$VIA\nMax-Forwards: 70\n"
       "From: A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\nTo: T. Watson "
       "<sip:t.watson@example.org>\n"
       "Call-ID: badvers.31417@example.org\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n",
       505},
      // 3.1.2.17 mismatch01: the CSeq method is not the request's.
      {"mismatch01", "3.1.2.17",
       "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\n"
       "From: sip:caller@example.net;tag=34525\nMax-Forwards: 6\nCall-ID: mismatch01.dj0234sxdfl3\n"
       "CSeq: 8 INVITE\n$VIA\nContent-Length: 0\n\n",
       400},
      // 3.1.2.19 bigcode: a response with an overlarge code, to no request: dropped.
      {"bigcode", "3.1.2.19",
       "SIP/2.0 4294967301 better not break the receiver\n$VIA\nCall-ID: "
       "bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\n"
       "CSeq: 353494 INVITE\nFrom: <sip:user@example.com>;tag=39ansfi3\n"
       "To: <sip:user@example.edu>;tag=902jndnke3\nContent-Length: 0\nContact: "
       "<sip:user@host105.example.com>\n\n",
       0},
  };
  return v;
}

// The vector's text for sending: "$VIA" replaced, LF → CRLF (a body's LFs too).
inline std::string torture_wire(const TortureVector& v, const std::string& via) {
  std::string out;
  const std::string& t = v.text;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.compare(i, 4, "$VIA") == 0) {
      out += via;
      i += 3;
    } else if (t[i] == '\n') {
      out += "\r\n";
    } else {
      out += t[i];
    }
  }
  return out;
}

}  // namespace dialcore::test
