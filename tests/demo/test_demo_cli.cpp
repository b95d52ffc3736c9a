// chairsync-cli demo-data, as IT people and the README use it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/demo/demo_doc.h"
#include "tests/support/test_support.h"

using namespace cs::test;

namespace {

ProcessResult cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{bin("chairsync-cli").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

std::set<std::string> status_names(const fs::path& store) {
    auto r = cli({"--store", store.string(), "status", "--json"});
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    std::set<std::string> names;
    for (const auto& p : j.at("patients")) names.insert(p.at("first_name").get<std::string>() + " " + p.at("last_name").get<std::string>());
    return names;
}

}  // namespace

TEST_CASE("cli demo-data: makes the demo store that status lists, and refuses to overwrite it") {
    if (!fs::exists(bin("chairsync-cli"))) {
        WARN("chairsync-cli is not built; skipped");
        return;
    }
    TempDir dir;
    const fs::path store = dir / "demo";
    auto made = cli({"demo-data", store.string()});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    CHECK(made.out.find("7 patients") != std::string::npos);
    CHECK(made.out.find("17 images") != std::string::npos);
    CHECK(std::count(made.out.begin(), made.out.end(), '\n') == 1);  // one line

    std::set<std::string> expected;
    for (const auto& p : read_demo_doc().offline) expected.insert(p.first + " " + p.last);
    CHECK(status_names(store) == expected);
    CHECK(cli({"--store", store.string(), "verify"}).exit_code == 0);

    auto again = cli({"demo-data", store.string()});
    CHECK(again.exit_code != 0);
    CHECK(again.err.find("not empty") != std::string::npos);
    CHECK(again.err.find("--force") != std::string::npos);
    CHECK(status_names(store) == expected);  // untouched

    auto forced = cli({"demo-data", store.string(), "--force", "--patients", "12", "--images", "60"});
    INFO(forced.err);
    REQUIRE(forced.exit_code == 0);
    CHECK(forced.out.find("12 patients") != std::string::npos);
    auto names = status_names(store);
    CHECK(names.size() == 12);
    CHECK(std::includes(names.begin(), names.end(), expected.begin(), expected.end()));
    CHECK(cli({"--store", store.string(), "verify"}).exit_code == 0);
}

TEST_CASE("cli demo-data: bad counts are refused with a message") {
    if (!fs::exists(bin("chairsync-cli"))) {
        WARN("chairsync-cli is not built; skipped");
        return;
    }
    TempDir dir;
    auto r = cli({"demo-data", (dir / "s").string(), "--images", "-5"});
    CHECK(r.exit_code != 0);
    CHECK(!r.err.empty());
    CHECK(!fs::exists(dir / "s" / "store.db"));
}
