#!/usr/bin/env python3
"""Writes the seed corpus of rtp_parse_fuzz (tests/fuzz/corpus/rtp_parse/).

Each file is one UDP payload, built here with Python's struct module, independently of the
C++ writers. The name says what it is and what the parser must answer:
  rtp-<status>-<what>.bin    parse_rtp returns <status> (RtpStatus names: ok, too_short, ...)
  rtcp-<status>-<what>.bin   parse_rtcp, compound rules, returns <status> (RtcpStatus names)
  kind-<kind>-<what>.bin     classify_packet returns <kind> (stun, dtls, other)
tests/dataplane/rtp/rtp_corpus_test.cpp holds every file to its name, so the seeds are known to
reach the branches they are named after. Rerun after changing this script:
  python3 tests/fuzz/make_rtp_corpus.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "rtp_parse")


def rtp(pt=0, seq=1, ts=160, ssrc=0x11223344, marker=False, version=2, csrcs=(),
        ext=None, payload=b"", padding=0, cc=None):
    """ext: (profile, data bytes); padding: total padding bytes, last one the count."""
    b0 = version << 6 | (0x20 if padding else 0) | (0x10 if ext else 0)
    b0 |= (len(csrcs) if cc is None else cc) & 0x0F
    out = struct.pack("!BBHII", b0, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    out += b"".join(struct.pack("!I", c) for c in csrcs)
    if ext:
        profile, data = ext
        out += struct.pack("!HH", profile, len(data) // 4) + data
    out += payload
    if padding:
        out += bytes(padding - 1) + bytes([padding])
    return out


def rtcp_part(pt, count, body, padding=0):
    body = body + (bytes(padding - 1) + bytes([padding]) if padding else b"")
    assert len(body) % 4 == 0
    return struct.pack("!BBH", 0x80 | (0x20 if padding else 0) | count, pt, len(body) // 4) + body


def report_block(i):
    return struct.pack("!IIIIII", 0x1000 + i, (i * 7) << 24 | i, 0x10000 + i, 20 + i,
                       0xABCD0000 + i, 65536 + i)


def sr(ssrc, blocks):
    info = struct.pack("!IIIII", 0xE1234567, 0x80000000, 160000, 1000, 160000)
    return rtcp_part(200, blocks, struct.pack("!I", ssrc) + info +
                     b"".join(report_block(i) for i in range(blocks)))


def rr(ssrc, blocks):
    return rtcp_part(201, blocks, struct.pack("!I", ssrc) +
                     b"".join(report_block(i) for i in range(blocks)))


def sdes_cname(ssrc, cname):
    chunk = struct.pack("!IBB", ssrc, 1, len(cname)) + cname + b"\0"
    chunk += bytes(-len(chunk) % 4)
    return rtcp_part(202, 1, chunk)


def bye(ssrcs, reason=b"", padding=0):
    body = b"".join(struct.pack("!I", s) for s in ssrcs)
    if reason:
        tail = bytes([len(reason)]) + reason
        body += tail + bytes(-len(tail) % 4)
    return rtcp_part(203, len(ssrcs), body, padding)


def app(ssrc, subtype, name, data):
    return rtcp_part(204, subtype, struct.pack("!I", ssrc) + name + data)


def corpus():
    pcmu = bytes((0xFF - i) & 0xFF for i in range(160))
    yield "rtp-ok-pcmu-20ms", rtp(pt=0, seq=4242, ts=678720, payload=pcmu)
    yield "rtp-ok-marker-dynamic-pt", rtp(pt=96, marker=True, payload=bytes(range(40)))
    yield "rtp-ok-header-only", rtp()
    yield "rtp-ok-csrc-ext-padding", rtp(pt=8, csrcs=(1, 2), ext=(0xBEDE, bytes(range(8))),
                                         payload=bytes(20), padding=4)
    yield "rtp-ok-two-byte-ext", rtp(pt=111, ext=(0x1000, b"\x01\x02ab"), payload=bytes(60))
    yield "rtp-ok-fifteen-csrcs", rtp(csrcs=tuple(range(15)), payload=bytes(10))
    yield "rtp-ok-telephone-event", rtp(pt=101, marker=True, payload=struct.pack("!BBH", 5, 10, 800))
    yield "rtp-too_short-11-bytes", rtp()[:11]
    yield "rtp-bad_version-v1", rtp(version=1, payload=bytes(20))
    yield "rtp-csrc_past_end", rtp(cc=15, payload=bytes(20))
    yield "rtp-extension_past_end", rtp(ext=(0xBEDE, bytes(8)))[:-4]
    yield "rtp-bad_padding-zero", rtp(payload=bytes(20), padding=4)[:-1] + b"\0"
    yield "rtp-bad_padding-too-long", rtp(payload=bytes(4), padding=4)[:-1] + b"\x09"
    yield "rtp-oversized", rtp(payload=bytes(2048 - 12 + 1))

    yield "rtcp-ok-sr-sdes", sr(0xDEADBEEF, 1) + sdes_cname(0xDEADBEEF, b"dialcore@w0.17")
    yield "rtcp-ok-rr-sdes-bye", (rr(0xCAFE, 2) + sdes_cname(0xCAFE, b"x") +
                                  bye([0xCAFE], b"hangup"))
    yield "rtcp-ok-rr-app", rr(7, 0) + app(7, 3, b"DCOR", bytes(8))
    yield "rtcp-ok-rr-padded-bye", rr(7, 1) + bye([7], padding=4)
    yield "rtcp-bad_first_type-psfb-pli", rtcp_part(206, 1, struct.pack("!II", 1, 2))
    yield "rtcp-length_past_end", (rr(7, 0) + sdes_cname(7, b"abc"))[:-4]
    yield "rtcp-trailing_bytes", rr(7, 0) + b"\x80"
    yield "rtcp-bad_report_count", rtcp_part(201, 3, struct.pack("!I", 7) + report_block(0))
    yield "rtcp-bad_padding-not-last", (bytes([0xA0]) + rr(7, 0)[1:]) + sdes_cname(7, b"a")
    yield "rtcp-bad_sdes-no-null", rr(7, 0) + rtcp_part(202, 1, struct.pack("!IBB", 7, 1, 2) + b"ab")
    yield "rtcp-bad_bye-reason", rr(7, 0) + rtcp_part(203, 1, struct.pack("!I", 7) + b"\x10abc")

    # STUN binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
    yield "kind-stun-binding-request", struct.pack("!HHI", 1, 0, 0x2112A442) + bytes(range(12))
    # DTLS 1.2 record header of a handshake: content type 22, version 0xFEFD, epoch, seq, length.
    yield "kind-dtls-handshake", bytes([22, 0xFE, 0xFD]) + bytes(10) + bytes(range(20))
    yield "kind-other-zrtp", bytes([0x10, 0, 0x50, 0x5A]) + bytes(16)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    for name, data in corpus():
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


if __name__ == "__main__":
    main()
