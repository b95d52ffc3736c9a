// The names the sweep of the images folder keeps (engine/store/file_name_set.h):
// every name put in is found, no other, whatever its form; and 100,000 names
// of the form the store gives its files take little memory, so a store kept
// for retention does not raise the kiosk's peak memory when it is opened.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "engine/store/file_name_set.h"
#include "engine/util/uuid.h"

using namespace cs;

TEST_CASE("the sweep's kept names find exactly the names put in, of any form") {
    const std::string id = new_uuid();
    std::string upper = id;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    const std::vector<std::string> in = {id + ".png", id + ".dcm", upper + ".jpg", "scan 1.png", id + ".PNG",
                                         id + ".tiff", "x"};
    FileNameSet s;
    for (const auto& n : in) s.insert(n);
    s.insert(id + ".png");  // twice: still one name
    s.finish();
    CHECK(s.size() == in.size());
    for (const auto& n : in) CHECK(s.contains(n));
    // Near misses: another extension, another case, one digit or dash changed, a prefix or suffix.
    std::string digit = id;
    digit[0] = digit[0] == '0' ? '1' : '0';
    std::string dash = id;
    dash[8] = '0';
    for (const std::string& n : {id + ".jpg", upper + ".png", id, digit + ".png", dash + ".png", ".tmp-" + id + ".png",
                                 id + ".png.1", std::string("scan 1.jpg"), std::string("")}) {
        INFO(n);
        CHECK_FALSE(s.contains(n));
    }
}

TEST_CASE("100,000 image file names take under 20 bytes each in the sweep's kept names") {
    // As strings in a hash set they took ~100 bytes each: 10 MB more peak
    // memory for a store of 100,000 images (docs/performance.md).
    FileNameSet s;
    std::vector<std::string> some;
    constexpr size_t n = 100000;
    s.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        std::string name = new_uuid() + (i % 3 == 0 ? ".jpg" : ".png");
        if (i % 9973 == 0) some.push_back(name);
        s.insert(name);
    }
    s.finish();
    CHECK(s.size() == n);
    CHECK(s.bytes() <= 20 * n);
    for (const auto& name : some) CHECK(s.contains(name));
    CHECK_FALSE(s.contains(new_uuid() + ".png"));
}
