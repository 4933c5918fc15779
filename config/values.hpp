#pragma once
// Checks of single values (addresses, numbers, names, time zones), shared by the section parsers
// and usable by control for the same values arriving over the API. Each check returns an empty
// string when the value is good, otherwise the reason.

#include <optional>
#include <string>

#include "config/config.hpp"

namespace dialcore::config {

// IPv4 dotted quad or IPv6 (RFC 4291 text forms); sets ipv6.
bool is_ip_address(const std::string& text, bool& ipv6);
std::string check_ip_address(const std::string& text);
// "127.0.0.1:8080" or "[::1]:8080"; port 0 means kernel-chosen.
std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& why);
// E.164 as dialled: optional '+', then 3 to 15 digits.
std::string check_phone_number(const std::string& text);
// Ids of teams, queues, campaigns, trunks, codes: 1-64 of [A-Za-z0-9_-], starting alphanumeric.
std::string check_identifier(const std::string& text);
// Seed 000: alphanumerics and ! @ # $ % ^ \ & _ . , 3 to 64 characters.
std::string check_username(const std::string& text);
// An IANA name with a TZif file under zoneinfo_dir ("Europe/London", "UTC").
std::string check_timezone(const std::string& zoneinfo_dir, const std::string& name);
// "HH:MM", 00:00 to 23:59.
std::string check_clock_time(const std::string& text);
// A relative path template of {date} {year} {month} {day} {campaign} {queue} {agent} {call_id},
// which must contain {call_id}; no "..", not absolute.
std::string check_path_layout(const std::string& layout);
// "sip:host[:port][;params]" or "sips:...".
std::string check_sip_uri(const std::string& text);
// Octal file mode as written ("0640"): owner may read, nobody may execute, world gets nothing.
std::string parse_file_mode(const std::string& text, std::uint32_t& mode);

}  // namespace dialcore::config
