// The CSV reader (engine/util/csv.h): RFC 4180 as other systems write it.
#include <catch2/catch.hpp>

#include "engine/util/csv.h"
#include "engine/util/text.h"

using namespace cs;

namespace {
std::vector<std::vector<std::string>> fields(const CsvTable& t) {
    std::vector<std::vector<std::string>> out;
    for (const auto& r : t.records) out.push_back(r.fields);
    return out;
}
using Rows = std::vector<std::vector<std::string>>;
}  // namespace

TEST_CASE("csv: quoted fields hold commas, doubled quotes and line ends") {
    const auto t = read_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n,,\r\n");
    CHECK(t.problems.empty());
    CHECK(fields(t) == Rows{{"a", "b", "c"}, {"x, y", "say \"hi\"", "two\nlines"}, {"", "", ""}});
    REQUIRE(t.records.size() == 3);
    CHECK(t.records[1].line == 2);
    CHECK(t.records[2].line == 4);  // the quoted line end counted
}

TEST_CASE("csv: a byte-order mark, LF or CRLF, no last line end, empty lines") {
    CHECK(fields(read_csv("\xEF\xBB\xBF" "first,last\nJos\xC3\xA9,Garc\xC3\xAD" "a")) ==
          Rows{{"first", "last"}, {"Jos\xC3\xA9", "Garc\xC3\xAD" "a"}});
    const auto t = read_csv("a\r\n\r\nb\n\nc");
    CHECK(fields(t) == Rows{{"a"}, {"b"}, {"c"}});
    CHECK(t.records[2].line == 5);
    CHECK(read_csv("").records.empty());
    CHECK(read_csv("\xEF\xBB\xBF").records.empty());
}

TEST_CASE("csv: a broken record is reported with its line and left out; the others are kept") {
    const auto t = read_csv("h1,h2\nok,1\n\"bad\"x,2\nno\"quote,3\nfine,4\n\"open,5\nnever closed\n");
    CHECK(fields(t) == Rows{{"h1", "h2"}, {"ok", "1"}, {"fine", "4"}});
    REQUIRE(t.problems.size() == 3);
    CHECK(t.problems[0].line == 3);
    CHECK(t.problems[0].message ==
          "Field 1 has text after its closing quote; a quote inside a field is written twice (\"\").");
    CHECK(t.problems[1].line == 4);
    CHECK(t.problems[1].message ==
          "Field 1 holds a quote but is not in quotes; such a field is written \"like \"\"this\"\"\".");
    CHECK(t.problems[2].line == 6);
    CHECK(t.problems[2].message == "A quoted field (field 1) has no closing quote before the end of the file.");
}

TEST_CASE("replace_invalid_utf8 keeps valid text and marks each bad byte") {
    CHECK(replace_invalid_utf8("Mar\xC3\xAD" "a") == "Mar\xC3\xAD" "a");
    CHECK(replace_invalid_utf8("Mar\xED" "a\xFF") == "Mar\xEF\xBF\xBD" "a\xEF\xBF\xBD");
    CHECK(escape_invalid_utf8("Mar\xED" "a") == "Mar\\xEDa");
}
