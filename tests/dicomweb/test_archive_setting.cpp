// The image archive setting (docs/dicomweb.md, "Configuration"): the
// credentials file's forms and permissions, the CA file, the URL, and what
// status says about where images go.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <httplib.h>
#include <mutex>
#include <thread>

#include "engine/dicomweb/archive_setting.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::dicomweb;

namespace {

std::string write_file(const std::filesystem::path& p, const std::string& text, mode_t mode) {
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p.string();
}

std::string sentence_of(const ArchiveSetting& s) {
    try {
        archive_config(s);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("the setting was accepted");
    return {};
}

}  // namespace

TEST_CASE("archive setting: the credentials file holds user:password or a bearer token") {
    ArchiveConfig basic;
    read_credentials("orthanc:s3cr:et\n", "creds", basic);
    CHECK(basic.user == "orthanc");
    CHECK(basic.password == "s3cr:et");  // only the first colon separates
    CHECK(basic.bearer_token.empty());

    ArchiveConfig bearer;
    read_credentials("Bearer abc.def-ghi\r\nignored\n", "creds", bearer);
    CHECK(bearer.bearer_token == "abc.def-ghi");
    CHECK(bearer.user.empty());

    for (std::string bad : {"", "\n", "just-a-token", ":s3cret", "Bearer two words"}) {
        ArchiveConfig cfg;
        try {
            read_credentials(bad + "\n", "/etc/chairsync/archive", cfg);
            FAIL("accepted: " << bad);
        } catch (const Error& e) {
            CHECK(std::string(e.what()) == "The image archive credentials file /etc/chairsync/archive must hold one "
                                           "line: user:password, or Bearer followed by a token.");
            if (!bad.empty() && bad != "\n") {
                CHECK(std::string(e.what()).find(bad) == std::string::npos);  // a secret never reaches a message
                CHECK(e.detail().find(bad) == std::string::npos);
            }
        }
    }
}

TEST_CASE("archive setting: a credentials file other users can read is refused, saying how to fix it") {
    test::TempDir dir;
    const auto file = write_file(dir / "archive-credentials", "orthanc:secret\n", 0644);
    ArchiveSetting s{"https://pacs.example/dicom-web", file, {}, false};
    CHECK(sentence_of(s) == "The image archive credentials file " + file +
                                " can be read or changed by every user of this computer, so it is not used. Make it "
                                "private (chmod 600 " + file + "), then try again.");
    ::chmod(file.c_str(), 0602);  // writable by others: refused too
    CHECK(sentence_of(s).find("chmod 600") != std::string::npos);

    ::chmod(file.c_str(), 0600);
    ArchiveConfig cfg = archive_config(s);
    CHECK(cfg.base_url == "https://pacs.example/dicom-web");
    CHECK(cfg.user == "orthanc");
    CHECK(cfg.password == "secret");
    ::chmod(file.c_str(), 0640);  // the group may read it (a service group)
    CHECK(archive_config(s).user == "orthanc");
}

TEST_CASE("archive setting: missing files and bad addresses are refused in sentences") {
    test::TempDir dir;
    const auto missing = (dir / "nope").string();
    CHECK(sentence_of({"https://pacs.example/dicom-web", missing, {}, false}) ==
          "The image archive credentials file " + missing + " cannot be found. Check the name.");
    CHECK(sentence_of({"https://pacs.example/dicom-web", {}, missing, false}) ==
          "The image archive CA file " + missing + " cannot be read. Check the name and that ChairSync may read it.");
    CHECK(sentence_of({"https://pacs.example/dicom-web", dir.path(), {}, false}) ==
          "The image archive credentials file " + dir.path().string() + " is not a file.");
    CHECK(sentence_of({"ftp://pacs.example/", {}, {}, false}) ==
          "The image archive address in the settings is not valid. Call your IT person.");
    // user:password in the URL would reach status and logs: refused, the file is the place.
    CHECK(sentence_of({"https://orthanc:secret@pacs.example/", {}, {}, false}) ==
          "The image archive address in the settings is not valid. Call your IT person.");
    CHECK(sentence_of({"http://pacs.example/dicom-web", {}, {}, false}).find("unencrypted connection (http)") !=
          std::string::npos);
    CHECK(archive_config({"http://pacs.example/dicom-web", {}, {}, true}).insecure);
    CHECK(archive_config({"http://127.0.0.1:8042/dicom-web/", {}, {}, false}).base_url ==
          "http://127.0.0.1:8042/dicom-web/");
}

TEST_CASE("archive setting: where images go, in words") {
    CHECK(images_destination({}) == "the practice server");
    CHECK(images_destination({"https://pacs.example/dicom-web/", {}, {}, false}) ==
          "the image archive at https://pacs.example/dicom-web");
}

TEST_CASE("archive setting: a bearer token reaches the archive as Authorization: Bearer, user:password as Basic") {
    // Orthanc takes only HTTP basic; this loopback server records what a
    // request to the archive carries and answers 404 (not held).
    httplib::Server archive;
    std::mutex mu;
    std::vector<std::string> seen;
    archive.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard l(mu);
        seen.push_back(req.get_header_value("Authorization"));
        res.status = 404;
    });
    const int port = archive.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread serving([&] { archive.listen_after_bind(); });  // bound and listening: requests queue until it accepts
    test::TempDir dir;
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/dicom-web";
    const ExpectedInstance e{"2.25.1", "2.25.2", "2.25.3", "P-1", 48, 64};
    for (const auto& [file, header] : {std::pair<std::string, std::string>{"Bearer abc.def-ghi", "Bearer abc.def-ghi"},
                                       {"chairsync:s3cret", "Basic Y2hhaXJzeW5jOnMzY3JldA=="}}) {
        ArchiveSetting s{url, write_file(dir / "creds", file + "\n", 0600), {}, false};
        StowClient client(archive_config(s));
        CHECK_FALSE(client.confirm(e).held);
        std::lock_guard l(mu);
        REQUIRE_FALSE(seen.empty());
        CHECK(seen.back() == header);
    }
    archive.stop();
    serving.join();
}
