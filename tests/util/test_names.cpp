// The name-matching rule of docs/name-matching.md, row by row: what a name's
// key is, and whether it may ever be matched automatically.
#include <catch2/catch.hpp>

#include "engine/util/text.h"

using namespace cs;

namespace {

struct Row {
    const char* what;
    std::string name;
    std::string key;
    bool matchable;
};

// Composed and decomposed forms are written out as escapes where the
// difference would be invisible.
const Row kRows[] = {
    // Latin
    {"acute", "José", "jose", true},
    {"spaces around and inside", "  José   María ", "jose maria", true},
    {"capitals", "JOSE MARIA", "jose maria", true},
    {"decomposed acute", "Jose\u0301", "jose", true},
    {"sharp s folds to ss", "Straße", "strasse", true},
    {"capital sharp s", "GROẞ", "gross", true},
    {"diaeresis", "Zoë", "zoe", true},
    {"decomposed diaeresis", "Zoe\u0308", "zoe", true},
    {"apostrophe", "O'Brien", "o'brien", true},
    {"typographic apostrophe", "O\u2019Brien", "o'brien", true},
    {"hyphen", "Ann-Marie", "ann-marie", true},
    {"Unicode hyphen", "Ann\u2010Marie", "ann-marie", true},
    {"non-breaking hyphen", "Ann\u2011Marie", "ann-marie", true},
    {"hyphen is not a space", "Ann Marie", "ann marie", true},
    {"cedilla", "François", "francois", true},
    {"capital cedilla", "ÇELIK", "celik", true},
    {"ae is a letter of its own", "Sæther", "sæther", true},
    {"o with stroke is a letter of its own", "Søren", "søren", true},
    {"l with stroke is a letter of its own", "Łukasz", "łukasz", true},
    {"thorn is a letter of its own", "Þórunn", "þorunn", true},
    {"caron and acute", "Dvořák", "dvorak", true},
    {"ring and diaeresis", "Ångström", "angstrom", true},
    {"tildes", "ÑÚÑEZ", "nunez", true},
    {"umlaut, capitals", "MÜLLER", "muller", true},
    {"Romanian comma below", "ȘTEFĂNESCU", "stefanescu", true},
    {"Romanian cedilla form", "Ştefan", "stefan", true},
    {"Romanian t comma", "Țurcanu", "turcanu", true},
    {"Turkish dotted capital I", "İlker", "ilker", true},
    {"Turkish dotless i stays", "Işık", "isık", true},
    {"ligature fi folds to fi", "\uFB01nn", "finn", true},
    // Vietnamese
    {"composed ễ", "Nguy\u1EC5n", "nguyen", true},
    {"decomposed ễ", "Nguye\u0302\u0303n", "nguyen", true},
    {"ễ, other mark order", "Nguye\u0303\u0302n", "nguyen", true},
    {"Vietnamese capitals", "NGUYỄN", "nguyen", true},
    {"horn", "Trần Thị Hương", "tran thi huong", true},
    {"d with stroke stays", "Đặng", "đang", true},
    {"dot below", "Phạm", "pham", true},
    {"hook above", "Lê Văn Thủy", "le van thuy", true},
    // Greek
    {"Greek capitals and tonos", "ΑΛΈΞΑΝΔΡΟΣ", "αλεξανδροσ", true},
    {"Greek final sigma", "Αλέξανδρος", "αλεξανδροσ", true},
    {"Greek polytonic", "\u1F08θηνᾶ", "αθηνα", true},
    {"Greek decomposed tonos", "Γιω\u0301ργος", "γιωργοσ", true},
    {"Greek dialytika", "Ϊάσων", "ιασων", true},
    // Cyrillic
    {"Cyrillic capitals", "ИВАНОВА", "иванова", true},
    {"Cyrillic io", "ЁЛКИН", "елкин", true},
    {"Cyrillic decomposed io", "\u0415\u0308лкин", "елкин", true},
    {"Cyrillic short i loses its breve", "Йовович", "иовович", true},
    {"Ukrainian yi", "Їжак", "іжак", true},
    {"Serbian dje stays", "Ђорђе", "ђорђе", true},
    // Look-alikes: the same on screen, never the same key
    {"Cyrillic A look-alike", "\u0410nna", "\u0430nna", true},
    {"Greek Omicron look-alike", "\u039Fscar", "\u03BFscar", true},
    {"fullwidth letters", "\uFF2Aohn", "\uFF4Aohn", true},
    {"strike-through overlay is kept", "Jo\u0336hn", "jo\u0336hn", true},
    {"slash overlay is kept", "O\u0338lsen", "o\u0338lsen", true},
    // Spaces
    {"tab", "Mary\tAnn", "mary ann", true},
    {"no-break space", "Mary\u00A0Ann", "mary ann", true},
    {"ideographic space", "Mary\u3000Ann", "mary ann", true},
    {"em and thin spaces collapse", "Mary\u2003 \u2009Ann", "mary ann", true},
    {"narrow and math spaces trimmed", "\u202FMary\u205F", "mary", true},
    {"only spaces", " \t\u00A0 ", "", true},
    {"empty", "", "", true},
    // Zero-width, control and other characters: never matched automatically
    {"zero-width space", "Jo\u200Bhn", "jo\u200Bhn", false},
    {"zero-width joiner", "Jo\u200Dhn", "jo\u200Dhn", false},
    {"byte order mark", "\uFEFFJohn", "\uFEFFjohn", false},
    {"soft hyphen", "Jo\u00ADhn", "jo\u00ADhn", false},
    {"right-to-left override", "John\u202E", "john\u202E", false},
    {"newline", "John\n", "john\n", false},
    {"control character", "Jo\x01hn", "jo\x01hn", false},
    {"digit", "J0hn", "j0hn", false},
    {"full stop", "St. John", "st. john", false},
    {"quotes", "\"Johnny\"", "\"johnny\"", false},
    {"slash", "Smith/Jones", "smith/jones", false},
    {"emoji", "\U0001F600 Joy", "\U0001F600 joy", false},
    {"Latin-1 byte, not UTF-8", "Jos\xe9", "Jos\xe9", false},
    {"lone continuation byte", "Jo\x80hn", "Jo\x80hn", false},
};

}  // namespace

TEST_CASE("names: the table of docs/name-matching.md") {
    STATIC_REQUIRE(sizeof kRows / sizeof kRows[0] >= 60);
    for (const auto& r : kRows) {
        INFO(r.what << ": \"" << escape_invalid_utf8(r.name) << "\"");
        NameKey k = name_key(r.name);
        CHECK(k.key == r.key);
        CHECK(k.matchable == r.matchable);
        CHECK(k.why.empty() == r.matchable);
        CHECK(normalize_name(r.name) == r.key);
    }
}

TEST_CASE("names: composed and decomposed forms, and look-alikes") {
    CHECK(normalize_name("Renée") == normalize_name("Rene\u0301e"));
    CHECK(normalize_name("Nguy\u1EC5n") == normalize_name("Nguye\u0302\u0303n"));
    CHECK(normalize_name("\u0410nna") != normalize_name("Anna"));
    CHECK(normalize_name("Søren") != normalize_name("Soren"));
    CHECK(normalize_name("Ann-Marie") != normalize_name("Ann Marie"));
    CHECK(normalize_name("Jos\xe9") != normalize_name("Jos\xe8"));
    CHECK(normalize_name("Jos\xe9") != normalize_name("Jos\uFFFD"));
}

TEST_CASE("names: why a name is not matched automatically is a sentence") {
    CHECK(name_key("J0hn").why ==
          "The name holds a character that is not a letter, space, hyphen or apostrophe (U+0030), so it is never "
          "matched automatically.");
    CHECK(name_key("Jos\xe9").why == "The name is not valid text (UTF-8), so it is never matched automatically.");
}

TEST_CASE("text that may not be UTF-8 is shown escaped") {
    CHECK(is_valid_utf8("José \U0001F600"));
    CHECK_FALSE(is_valid_utf8("Jos\xe9"));
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
    CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));      // cut short
    CHECK(escape_invalid_utf8("Jos\xe9") == "Jos\\xE9");
    CHECK(escape_invalid_utf8("\xF0\x9F\x98!") == "\\xF0\\x9F\\x98!");
    CHECK(escape_invalid_utf8("José") == "José");
    CHECK(is_valid_utf8(escape_invalid_utf8("\xff\xfe\x80 a \xC3")));
}
