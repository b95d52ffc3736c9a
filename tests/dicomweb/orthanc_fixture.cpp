#include "tests/dicomweb/orthanc_fixture.h"

#include <fstream>
#include <random>

#include "engine/dicom/dicom_object.h"
#include "engine/image/encode.h"
#include "engine/util/uuid.h"

namespace cs::test {

std::string test_uid() {
    static std::mt19937_64 rng{std::random_device{}()};
    std::string s = "2.25." + std::to_string(1 + rng() % 9);
    for (int i = 0; i < 36; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
}

TestInstance make_instance(const fs::path& dir, const std::string& patient_id, const std::string& procedure_uuid,
                           const std::string& code, int width, int height) {
    DecodedImage img;
    img.width = width;
    img.height = height;
    img.channels = 1;
    img.pixels8.resize(static_cast<size_t>(width) * height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) img.pixels8[static_cast<size_t>(y) * width + x] = static_cast<uint8_t>((x * 7 + y * 3) & 0xFF);
    dicom::InstanceInput in;
    in.patient = {patient_id, "Patient", "Test", "1984-03-09", std::nullopt};
    in.procedure.uuid = procedure_uuid;
    in.procedure.code = code;
    in.procedure.name = "Imaging procedure " + code;
    in.procedure.acquired_at = "2026-12-06T15:04:05Z";
    in.image.uuid = new_uuid();
    in.image.procedure_uuid = procedure_uuid;
    in.image_file = dir / (in.image.uuid + ".png");
    const auto png = encode_png(img);
    std::ofstream(in.image_file, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    in.institution = "Main Street Dental";
    in.station = "OP-1";
    const dicom::Instance made = dicom::write_instance(in, dir / "dicom");
    TestInstance t;
    t.part = dicomweb::StowPart{made.sop_instance_uid, made.file, made.bytes};
    t.expected = dicomweb::ExpectedInstance{made.study_instance_uid, made.series_instance_uid, made.sop_instance_uid,
                                            patient_id, height, width};
    return t;
}

std::vector<TestInstance> make_study(const fs::path& dir, int n) {
    const std::string patient = "P-" + test_uid().substr(5, 10), procedure = new_uuid();
    std::vector<TestInstance> v;
    for (int i = 0; i < n; ++i) v.push_back(make_instance(dir, patient, procedure, i < (n + 1) / 2 ? "D0220" : "D0350", 64 + i, 48));
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

}  // namespace cs::test
