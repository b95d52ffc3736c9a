#include <catch2/catch.hpp>

#include "engine/util/text.h"

using namespace cs;

TEST_CASE("names compare without case, surrounding or repeated spaces, or accents") {
    CHECK(normalize_name("  José   María ") == "jose maria");
    CHECK(normalize_name("JOSE MARIA") == "jose maria");
    CHECK(normalize_name("Jose\xCC\x81") == "jose");  // e + combining acute
    CHECK(normalize_name("Straße") == "strasse");
    CHECK(normalize_name("Zoë") == normalize_name("zoe"));
    CHECK(normalize_name("O'Brien") == "o'brien");
    CHECK(normalize_name("Ann-Marie") != normalize_name("Ann Marie"));
    CHECK(normalize_name("\xF0\x9F\x98\x80 Joy") == "\xF0\x9F\x98\x80 joy");  // emoji kept (never matched: test_names)
    CHECK(normalize_name("") == "");
    CHECK(normalize_name("   ") == "");
}

TEST_CASE("dates of birth: only real calendar dates count") {
    CHECK(parse_iso_date("1984-03-09") == "1984-03-09");
    CHECK(parse_iso_date(" 1984-03-09 ") == "1984-03-09");
    CHECK_FALSE(parse_iso_date(""));
    CHECK_FALSE(parse_iso_date("1984-02-30"));
    CHECK_FALSE(parse_iso_date("09/03/1984"));
    CHECK_FALSE(parse_iso_date("1984-3-9"));
    CHECK(age_years("1984-03-09", "2026-03-08") == 41);
    CHECK(age_years("1984-03-09", "2026-03-09") == 42);
    CHECK(format_birth_date("1984-03-09", "2026-12-01") == "03/09/1984 \xC2\xB7 42 y");
    CHECK(format_birth_date("", "2026-12-01") == "no date of birth");
}
