#include "tests/dicomweb/orthanc_fixture.h"

#include <fstream>
#include <random>

#include "engine/image/encode.h"

namespace cs::test {

Orthanc* shared_orthanc() {
    static std::unique_ptr<Orthanc> o = []() -> std::unique_ptr<Orthanc> {
        if (!Orthanc::missing().empty()) return nullptr;
        return std::make_unique<Orthanc>();
    }();
    return o.get();
}

std::string test_uid() {
    static std::mt19937_64 rng{std::random_device{}()};
    std::string s = "2.25." + std::to_string(1 + rng() % 9);
    for (int i = 0; i < 36; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
}

TestInstance make_instance(const fs::path& dir, const std::string& patient_id, const std::string& study,
                           const std::string& series, int width, int height) {
    DecodedImage img;
    img.format = ImageFormat::jpeg;
    img.width = width;
    img.height = height;
    img.channels = 1;
    img.pixels8.resize(static_cast<size_t>(width) * height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) img.pixels8[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>((x * 7 + y * 3) & 0xFF);
    const std::string sop = test_uid();
    const fs::path jpg = dir / (sop + ".jpg"), dcm = dir / (sop + ".dcm");
    const auto bytes = encode_jpeg(img, 90);
    std::ofstream(jpg, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    auto r = run_process({"/usr/bin/img2dcm", "-q", jpg.string(), dcm.string(), "-k", "PatientID=" + patient_id, "-k",
                          "PatientName=Test^Patient", "-k", "StudyInstanceUID=" + study, "-k",
                          "SeriesInstanceUID=" + series, "-k", "SOPInstanceUID=" + sop});
    INFO("img2dcm (Debian package dcmtk, which ./dev installs): " << r.err);
    REQUIRE(r.exit_code == 0);
    TestInstance t;
    t.part.sop_instance_uid = sop;
    t.part.file = dcm;
    t.part.bytes = fs::file_size(dcm);
    t.expected = dicomweb::ExpectedInstance{study, series, sop, patient_id, height, width};
    return t;
}

std::vector<TestInstance> make_study(const fs::path& dir, int n) {
    const std::string patient = "P-" + test_uid().substr(5, 10), study = test_uid(), a = test_uid(), b = test_uid();
    std::vector<TestInstance> v;
    for (int i = 0; i < n; ++i) v.push_back(make_instance(dir, patient, study, i < (n + 1) / 2 ? a : b, 64 + i, 48));
    return v;
}

std::vector<dicomweb::StowPart> parts_of(const std::vector<TestInstance>& v) {
    std::vector<dicomweb::StowPart> parts;
    for (const auto& t : v) parts.push_back(t.part);
    return parts;
}

dicomweb::ArchiveConfig archive_config(Orthanc& o, const std::string& url) {
    dicomweb::ArchiveConfig c;
    c.base_url = url.empty() ? o.dicomweb_url() : url;
    c.user = o.user();
    c.password = o.password();
    c.connect_timeout = std::chrono::milliseconds(2000);
    c.call_timeout = std::chrono::milliseconds(10000);
    c.upload_timeout = std::chrono::milliseconds(20000);
    return c;
}

std::optional<std::string> orthanc_id(Orthanc& o, const std::string& uid) {
    auto r = o.post("/tools/lookup", uid);
    REQUIRE(r.status == 200);
    auto j = nlohmann::json::parse(r.body);
    if (j.empty()) return std::nullopt;
    return j[0].at("ID").get<std::string>();
}

int instances_in_study(Orthanc& o, const std::string& study_uid) {
    auto id = orthanc_id(o, study_uid);
    if (!id) return 0;
    auto r = o.get("/studies/" + *id + "/instances");
    REQUIRE(r.status == 200);
    return static_cast<int>(nlohmann::json::parse(r.body).size());
}

nlohmann::json instance_tags(Orthanc& o, const std::string& sop_instance_uid) {
    auto id = orthanc_id(o, sop_instance_uid);
    REQUIRE(id);
    auto r = o.get("/instances/" + *id + "/simplified-tags");
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
}

}  // namespace cs::test
