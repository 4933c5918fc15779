// Field rules from the seeds: usernames, names, email, IANA time zones, CLI digits.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "control/agents/validation.hpp"
#include "tests/control/temp_dir.hpp"

using namespace dialcore::control::agents;

TEST_CASE("username: letters, digits and the seed's specials, 2..64") {
  for (const char* ok : {"ab", "john.smith", "j_smith", "agent007", "a!@#$%^\\&_.z", "ALLCAPS"}) {
    CAPTURE(ok);
    CHECK(check_username(ok).empty());
  }
  for (const char* bad : {"", "a", "has space", "dash-ed", "quote'", "semi;colon", "sl/ash",
                          "émile", "tab\tname", "comma,name", "paren(", "star*"}) {
    CAPTURE(bad);
    CHECK_FALSE(check_username(bad).empty());
  }
  CHECK(check_username(std::string(64, 'a')).empty());
  CHECK_FALSE(check_username(std::string(65, 'a')).empty());
}

TEST_CASE("names: letters (any script), digits, spaces, apostrophes, hyphens") {
  for (const char* ok :
       {"Mary", "O'Neil", "Jean-Luc", "Mary Ann", "José", "Zoë", "Łukasz", "Ørsted", "Nguyễn",
        "Дмитрий", "Νίκος", "王小明", "D\u2019Arcy", "Henry 8"}) {
    CAPTURE(ok);
    CHECK(check_person_name(ok).empty());
  }
  for (const char* bad :
       {"", " Mary", "Mary ", "Mary;", "<script>", "a@b", "Tab\tName", "Robert'); DROP", "\xC3",
        "\xC0\xAF", "\xED\xA0\x80", "x\xE2\x80\xAEy", "Dollar$", "×"}) {
    CAPTURE(bad);
    CHECK_FALSE(check_person_name(bad).empty());
  }
  CHECK(check_person_name(std::string(50, 'x')).empty());
  CHECK_FALSE(check_person_name(std::string(51, 'x')).empty());
}

TEST_CASE("email: empty or a practical address") {
  for (const char* ok :
       {"", "a@example.com", "first.last+tag@sub.example.co.uk", "x_y@ex-ample.org"}) {
    CAPTURE(ok);
    CHECK(check_email(ok).empty());
  }
  for (const char* bad :
       {"plain", "@example.com", "a@", "a@@example.com", "a@b@example.com", ".a@example.com",
        "a.@example.com", "a..b@example.com", "a@example", "a@-example.com", "a@example.c0m",
        "a b@example.com", "a@exa mple.com", "a@example..com"}) {
    CAPTURE(bad);
    CHECK_FALSE(check_email(bad).empty());
  }
}

TEST_CASE("timezone: an IANA zone that exists in the zoneinfo directory") {
  const std::string zi = "/usr/share/zoneinfo";
  for (const char* ok : {"", "Australia/Sydney", "Europe/London", "America/Argentina/Buenos_Aires",
                         "UTC", "Etc/GMT+5"}) {
    CAPTURE(ok);
    CHECK(check_timezone(ok, zi).empty());
  }
  for (const char* bad :
       {"Mars/Olympus", "../../etc/passwd", "/etc/passwd", "Europe/../../etc/passwd", "zone.tab",
        "posix/Europe/London", "Australia/", "Australia", "Europe/London\n", "iso3166.tab"}) {
    CAPTURE(bad);
    CHECK_FALSE(check_timezone(bad, zi).empty());
  }
  // A file that exists but is not TZif data is refused: checked against a directory we control.
  dialcore::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "Fake");
  std::ofstream(dir.path() / "Fake" / "Zone") << "not tzif";
  std::ofstream(dir.path() / "Fake" / "Real") << "TZif2 and more";
  CHECK_FALSE(check_timezone("Fake/Zone", dir.path().string()).empty());
  CHECK(check_timezone("Fake/Real", dir.path().string()).empty());
}

TEST_CASE("CLI and phone: optional + and 4..15 digits") {
  for (const char* ok : {"", "1234", "+61290000000", "123456789012345"})
    CHECK(check_phone_digits(ok).empty());
  for (const char* bad :
       {"123", "+", "1234567890123456", "02 9000 0000", "0290-000", "12a4", "++1234"}) {
    CAPTURE(bad);
    CHECK_FALSE(check_phone_digits(bad).empty());
  }
}

TEST_CASE("a profile reports every bad field at once - call-me needs a phone - a team is required") {
  dialcore::control::store::Agent a;
  a.username = "x y";
  a.first_name.clear();
  a.last_name = std::string(2, 'K');
  a.email = "nope";
  a.timezone = "Nowhere/Land";
  a.cli = "12ab";
  a.connection_mode = dialcore::control::store::ConnectionMode::CallMe;
  const auto errors = validate_profile(a, {});
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"username", "first_name", "email", "timezone", "cli",
                                           "default_phone", "teams"});
  a.connection_mode = dialcore::control::store::ConnectionMode::Web;
  ValidationRules relaxed;
  relaxed.require_team = false;
  CHECK(validate_profile(a, relaxed).size() == 5);
}
