// The practice server's log as the journal gets it when systemd runs the
// service (docs/packaging.md, "Logs"), and what it must never hold.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/server/server_fixture.h"

using namespace cs::test;

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
}

}  // namespace

TEST_CASE("run by systemd, the server logs each line with its journal priority and no time, never a PIN or a token") {
    TempDir dir;
    const auto log = dir / "server.log";
    std::string token;
    {
        ServerProcess server({}, log, {"INVOCATION_ID=5f0c6a2e7d3b4e8f9a6b0c5d2e3f4a5b"});
        Api api(server.base_url());
        auto wrong = api.http().Post("/api/v1/sessions",
                                     Json{{"user", "demo"}, {"pin", "9087"}, {"workstation", "OP-1"}}.dump(),
                                     "application/json");
        REQUIRE(wrong);
        CHECK(wrong->status >= 400);
        api.sign_in("demo", "1234");
        token = api.token;
        REQUIRE(token.size() >= 16);
        // Fixed uuids, so that no digits of a PIN turn up in a logged path by chance.
        auto image = make_image(4096, 3);
        image.uuid = "5f0c6a2e-7d3b-4e8f-9a6b-0c5d2e3f4a5b";
        sync_procedure(api, "0e9d8c7b-6a5f-4e3d-8c2b-5a0f9e8d7c6b", declaration({image}), {image});
        CHECK(server.stop() == 0);
    }
    const std::string text = read_text(log);
    INFO(text);
    CHECK(text.find("/commit") != std::string::npos);  // the sync is in the access log
    CHECK(text.find("signal") != std::string::npos);   // and the stop
    for (const auto& line : lines_of(text)) {
        INFO(line);
        REQUIRE(line.size() > 3);
        CHECK(line[0] == '<');
        CHECK((line[1] >= '0' && line[1] <= '7'));
        CHECK(line[2] == '>');
        CHECK(line.find('\x1b') == std::string::npos);  // no colour codes
    }
    CHECK(text.find("<6>practice-server: signal") != std::string::npos);
    CHECK(text.find("[20") == std::string::npos);  // no "[2026-..." time stamps
    CHECK(text.find(token) == std::string::npos);
    CHECK(text.find("1234") == std::string::npos);
    CHECK(text.find("9087") == std::string::npos);
}

TEST_CASE("in a terminal, the server's log lines start with the time") {
    TempDir dir;
    const auto log = dir / "server.log";
    {
        // Empty: as if not run by systemd, even when this test is.
        ServerProcess server({}, log, {"INVOCATION_ID=", "JOURNAL_STREAM="});
        CHECK(server.stop() == 0);
    }
    const std::string text = read_text(log);
    INFO(text);
    auto lines = lines_of(text);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().rfind("[20", 0) == 0);
    CHECK(lines.back().find("practice-server: signal") != std::string::npos);
}
