// Reading STOW-RS answers and archive errors without an archive: the
// answers other archives give (docs/dicomweb.md), which Orthanc does not.
#include <catch2/catch.hpp>

#include "engine/dicomweb/stow_client.h"

using namespace cs::dicomweb;
using cs::api::ApiError;
using cs::api::ApiErrorKind;
using cs::api::CallContext;

namespace {

const CallContext kCall{"POST", "/studies"};
const std::string A = "2.25.1", B = "2.25.2", C = "2.25.3";

std::string item(const std::string& uid, const std::string& extra = {}) {
    return R"({"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.7"]},"00081155":{"vr":"UI","Value":[")" + uid +
           "\"]}" + extra + "}";
}
std::string seq(const char* tag, const std::vector<std::string>& items) {
    std::string s = std::string("\"") + tag + R"(":{"vr":"SQ","Value":[)";
    for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
    return s + "]}";
}
std::string reason(int r) { return R"(,"00081197":{"vr":"US","Value":[)" + std::to_string(r) + "]}"; }

ApiErrorKind kind_of_read(const std::string& body) {
    try {
        read_stow_answer(kCall, 200, body, {A, B});
    } catch (const ApiError& e) {
        return e.kind();
    }
    return ApiErrorKind::config;  // no error: never what a test expects here
}

}  // namespace

TEST_CASE("a STOW-RS answer is read per instance, in the order sent") {
    SECTION("all stored") {
        auto r = read_stow_answer(kCall, 200, "{" + seq("00081199", {item(B), item(A)}) + "}", {A, B});
        CHECK(r.all_stored());
        CHECK(r.instances[0].sop_instance_uid == A);
        CHECK(r.instances[1].sop_instance_uid == B);
    }
    SECTION("202: one failed for lack of space, its reason a number") {
        auto r = read_stow_answer(kCall, 202,
                                  "{" + seq("00081199", {item(A)}) + "," + seq("00081198", {item(B, reason(0xA700))}) + "}",
                                  {A, B});
        CHECK(r.stored_count() == 1);
        CHECK(r.instances[1].failure_reason == 0xA700);
        CHECK(r.instances[1].message ==
              "The image archive is out of space, so it did not store this image (reason 0xA700). Ask your IT person "
              "to free space on the archive, then try again.");
        CHECK(r.summary() == "1 of 2 images are in the image archive. " + r.instances[1].message);
    }
    SECTION("the reason written as a decimal string") {
        std::string failed = item(A, R"(,"00081197":{"vr":"US","Value":["272"]})");
        auto r = read_stow_answer(kCall, 409, "{" + seq("00081198", {failed}) + "}", {A});
        CHECK(r.instances[0].failure_reason == 0x0110);
        CHECK(r.instances[0].message ==
              "The image archive failed to store this image (reason 0x0110). Try again. If it keeps happening, call "
              "your IT person.");
    }
    SECTION("409: a duplicate SOP instance is held already, so it counts as stored") {
        auto r = read_stow_answer(kCall, 409, "{" + seq("00081198", {item(A, reason(0x0111))}) + "}", {A});
        CHECK(r.all_stored());
        CHECK(r.instances[0].already_held);
        CHECK(r.instances[0].message.empty());
    }
    SECTION("a stored instance with a warning is stored") {
        auto r = read_stow_answer(kCall, 202, "{" + seq("00081199", {item(A, R"(,"00081196":{"vr":"US","Value":[45056]})")}) + "}", {A});
        CHECK(r.all_stored());
        CHECK(r.instances[0].warning_reason == 0xB000);
    }
    SECTION("an instance the answer does not mention is not stored") {
        auto r = read_stow_answer(kCall, 200, "{" + seq("00081199", {item(A)}) + "}", {A, B, C});
        CHECK(r.stored_count() == 1);
        CHECK_FALSE(r.instances[2].stored);
        CHECK(r.instances[2].message ==
              "The image archive's answer does not mention this image, so it is not counted as stored. Try again.");
    }
    SECTION("empty sequences, as some archives write them") {
        auto r = read_stow_answer(kCall, 200, R"({"00081199":{"vr":"SQ"},"00081198":{"vr":"SQ","Value":[]}})", {A});
        CHECK(r.stored_count() == 0);
    }
}

TEST_CASE("a STOW-RS answer that cannot be trusted counts nothing as stored") {
    CHECK(kind_of_read("<html>proxy error</html>") == ApiErrorKind::bad_answer);
    CHECK(kind_of_read("") == ApiErrorKind::bad_answer);
    CHECK(kind_of_read("{" + seq("00081199", {item("2.25.99")}) + "}") == ApiErrorKind::bad_answer);  // not sent
    CHECK(kind_of_read("{" + seq("00081199", {item(A)}) + "," + seq("00081198", {item(A, reason(0x0110))}) + "}") ==
          ApiErrorKind::bad_answer);  // both stored and failed
    CHECK(kind_of_read("{" + seq("00081198", {item(A, reason(-5))}) + "," + seq("00081199", {item(A)}) + "}") ==
          ApiErrorKind::bad_answer);  // a reason that is no unsigned short is still a failure
    CHECK(kind_of_read(R"({"00081199":{"vr":"SQ","Value":[5]}})") == ApiErrorKind::bad_answer);
    try {
        read_stow_answer(kCall, 200, "nonsense", {A});
    } catch (const ApiError& e) {
        CHECK(std::string(e.what()) ==
              "The image archive sent an answer that could not be read, so nothing is counted as stored. Try again. "
              "If it keeps happening, call your IT person.");
    }
}

TEST_CASE("every failure reason and archive status reaches the person as a sentence") {
    CHECK(failure_sentence(0xC000) ==
          "The image archive could not read this image's DICOM file (reason 0xC000). Call your IT person.");
    CHECK(failure_sentence(0x0122) == "The image archive does not accept this kind of image (reason 0x0122). Call your IT person.");
    CHECK(failure_sentence(0xA900).find("do not fit its kind") != std::string::npos);
    CHECK(failure_sentence(0x1234) == "The image archive refused this image (reason 0x1234). Call your IT person.");

    const std::string base = "https://pacs.example/dicom-web";
    auto e = archive_http_error(kCall, 401, base);
    CHECK(e.kind() == ApiErrorKind::auth);
    CHECK(archive_http_error(kCall, 403, base).kind() == ApiErrorKind::auth);
    e = archive_http_error(kCall, 404, base);
    CHECK(e.kind() == ApiErrorKind::config);
    CHECK(std::string(e.what()).find(base) != std::string::npos);
    CHECK(archive_http_error(kCall, 415, base).kind() == ApiErrorKind::validation);
    CHECK(archive_http_error(kCall, 429, base).transient());
    e = archive_http_error(kCall, 507, base);
    CHECK(std::string(e.what()).find("disk is full") != std::string::npos);
    e = archive_http_error(kCall, 302, base);
    CHECK(std::string(e.what()) ==
          "The image archive gave an unexpected answer (status 302). If it keeps happening, call your IT person.");
}

TEST_CASE("WADO-RS metadata gives the attributes confirmation compares") {
    auto m = read_instance_metadata(
        {"GET", "/studies/x/series/y/instances/z/metadata"},
        R"([{"00080018":{"vr":"UI","Value":["2.25.1"]},"00100020":{"vr":"LO","Value":["P-1"]},)"
        R"("00280010":{"vr":"US","Value":[480]},"00280011":{"vr":"US","Value":[640]}}])");
    CHECK(m.sop_instance_uid == "2.25.1");
    CHECK(m.patient_id == "P-1");
    CHECK(m.rows == 480);
    CHECK(m.columns == 640);
    CHECK_THROWS_AS(read_instance_metadata({"GET", "/x"}, "[]"), ApiError);
    CHECK_THROWS_AS(read_instance_metadata({"GET", "/x"}, "{}"), ApiError);
}
