// Writes small seed inputs for each harness into OUT/<harness>/, made with
// the engine's own writers so that they follow the formats as they are now
// (docs/fuzzing.md). Run by tests/fuzz/fuzz.sh before fuzzing.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/image/encode.h"
#include "engine/image/thumbnail_cache.h"
#include "engine/sync/manifest.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path g_out;

void seed(const std::string& harness, const std::string& name, std::span<const uint8_t> bytes) {
    fs::create_directories(g_out / harness);
    fuzz::write_bytes(g_out / harness / name, bytes);
}
void seed(const std::string& harness, const std::string& name, std::string_view text) {
    seed(harness, name, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// A small gradient: enough structure for every PNG filter and JPEG block.
DecodedImage gradient(int w, int h, int channels, int bit_depth) {
    DecodedImage img;
    img.width = img.source_width = w;
    img.height = img.source_height = h;
    img.channels = channels;
    img.bit_depth = bit_depth;
    const size_t n = size_t(w) * h * channels;
    for (size_t i = 0; i < n; ++i) {
        const unsigned v = unsigned(i * 2654435761u >> 7);
        if (bit_depth == 16) img.pixels16.push_back(uint16_t(v & 0x0FFF));  // a 12-bit sensor
        else img.pixels8.push_back(uint8_t(v));
    }
    return img;
}

// A DICOM file as sensor software writes one (engine/image/dicom_read.h):
// grey, uncompressed, little endian.
void dicom_seed(const std::string& name, const DecodedImage& img) {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    ds.putAndInsertString(DCM_SOPClassUID, UID_DigitalIntraOralXRayImageStorageForPresentation);
    ds.putAndInsertString(DCM_SOPInstanceUID, "2.25.1234");
    ds.putAndInsertString(DCM_Modality, "IO");
    ds.putAndInsertString(DCM_AcquisitionDateTime, "20261206183007-0500");
    ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(img.height));
    ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(img.width));
    ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
    ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    ds.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(img.bit_depth));
    ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(img.bit_depth == 16 ? 12 : 8));
    ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(img.bit_depth == 16 ? 11 : 7));
    ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
    if (img.bit_depth == 16) ds.putAndInsertUint16Array(DCM_PixelData, img.pixels16.data(), img.pixels16.size());
    else ds.putAndInsertUint8Array(DCM_PixelData, img.pixels8.data(), img.pixels8.size());
    fs::create_directories(g_out / "image");
    if (file.saveFile((g_out / "image" / name).c_str(), EXS_LittleEndianExplicit).bad())
        std::fprintf(stderr, "make_seeds: could not write %s\n", name.c_str());
}

void image_seeds() {
    dicom_seed("gray16.dcm", gradient(13, 11, 1, 16));
    dicom_seed("gray8.dcm", gradient(12, 9, 1, 8));
    seed("image", "gray16.png", encode_png(gradient(19, 13, 1, 16)));
    seed("image", "gray8.png", encode_png(gradient(17, 9, 1, 8)));
    seed("image", "graya16.png", encode_png(gradient(9, 12, 2, 16)));
    seed("image", "rgb8.png", encode_png(gradient(16, 16, 3, 8)));
    seed("image", "rgba16.png", encode_png(gradient(11, 7, 4, 16)));
    seed("image", "gray.jpg", encode_jpeg(gradient(24, 16, 1, 8), 80));
    seed("image", "rgb.jpg", encode_jpeg(gradient(16, 24, 3, 8), 60));
}

json patient(const char* id, const char* first, const char* last, const char* birth, bool household) {
    json p = {{"id", id}, {"first_name", first}, {"last_name", last}, {"birth_date", birth}, {"household", nullptr}};
    if (household) p["household"] = {{"id", "hh-1"}, {"name", "López household"}};
    return p;
}

void api_seeds() {
    const json maria = patient("pat-1", "María", "López", "1984-03-09", true);
    const json image = {{"uuid", "aaaaaaaa-2222-4333-8444-555555555555"},
                        {"sha256", std::string(64, 'a')}, {"size", 1234}, {"kind", "radiograph"},
                        {"seq", 1}, {"received", true}};
    const json answers[] = {
        {{"token", "t0k"}, {"expires_at", "2026-12-06T18:00:00Z"}, {"user", {{"id", "u-1"}, {"name", "Demo"}}}},
        {{"status", "ok"}, {"server_time", "2026-12-06T13:00:00Z"}, {"api_version", 1}},
        {{"patients", {maria, patient("pat-2", "Noah", "Patel", "2001-02-28", false)}}},
        maria,
        {{"patients", {maria}}, {"households", {{{"id", "hh-1"}, {"name", "López"}, {"members", {maria}}}}}},
        {{"location_id", "loc-1"}, {"providers", {{{"id", "prov-1"}, {"name", "Dr. Ada"}, {"charting", true}}}}},
        {{"location_id", "loc-1"},
         {"procedure_types", {{{"code", "D0210"}, {"name", "FMX"}, {"fee_cents", 15000},
                               {"default_apply_charges", true}, {"default_bill_insurance", false},
                               {"default_provider_id", nullptr}}}}},
        {{"uuid", "11111111-2222-4333-8444-555555555555"}, {"state", "committed"}, {"patient_id", "pat-1"},
         {"location_id", "loc-1"}, {"code", "D0210"}, {"acquired_at", "2026-12-06T09:00:00Z"},
         {"apply_charges", true}, {"bill_insurance", true}, {"provider_id", "prov-1"}, {"images", {image}},
         {"charge", {{"amount_cents", 15000}, {"bill_insurance", true}, {"provider_id", "prov-1"},
                     {"posted_at", "2026-12-06T09:05:00Z"}}}},
        {{"received", true}, {"uuid", image["uuid"]}, {"sha256", image["sha256"]}, {"size", 1234}},
        {{"error", {{"code", "images_missing"}, {"message", "Images not yet received."}}}},
    };
    int n = 0;
    for (const json& a : answers) seed("api", "answer" + std::to_string(n++) + ".json", a.dump());
}

// DICOM JSON as archives answer STOW-RS (docs/dicomweb.md), and WADO-RS metadata.
void dicomweb_seeds() {
    auto uid = [](const char* v) { return json{{"vr", "UI"}, {"Value", {v}}}; };
    auto us = [](int v) { return json{{"vr", "US"}, {"Value", {v}}}; };
    auto ref = [&](const char* sop) { return json{{"00081150", uid("1.2.840.10008.5.1.4.1.1.7")}, {"00081155", uid(sop)}}; };
    json stored = ref("2.25.1");
    stored["00081190"] = {{"vr", "UR"}, {"Value", {"http://127.0.0.1/dicom-web/studies/1/series/2/instances/2.25.1"}}};
    json warned = ref("2.25.2");
    warned["00081196"] = us(0xB000);
    json failed = ref("2.25.3");
    failed["00081197"] = us(0xA700);
    json duplicate = ref("2.25.2");
    duplicate["00081197"] = {{"vr", "US"}, {"Value", {"273"}}};
    seed("dicomweb", "stored.json", json{{"00081199", {{"vr", "SQ"}, {"Value", {stored, warned}}}}}.dump());
    seed("dicomweb", "partial.json",
         json{{"00081199", {{"vr", "SQ"}, {"Value", {stored}}}}, {"00081198", {{"vr", "SQ"}, {"Value", {failed, duplicate}}}}}.dump());
    seed("dicomweb", "metadata.json",
         json::array({{{"00080018", uid("2.25.1")}, {"00100020", {{"vr", "LO"}, {"Value", {"P-1"}}}},
                       {"00280010", us(480)}, {"00280011", us(640)}}}).dump());
}

void manifest_seeds() {
    RecoveredProcedure r;
    r.state = "complete";
    r.procedure_uuid = "11111111-2222-4333-8444-555555555555";
    r.first_name = "María";
    r.last_name = "López";
    r.birth_date = "1984-03-09";
    r.code = "D0210";
    r.name = "Full mouth X-rays";
    r.acquired_at = "2026-12-06T09:00:00Z";
    r.location_id = "loc-1";
    r.hidden_at = "2026-12-06T10:00:00Z";
    r.withdraw_confirmed = true;
    r.errors = {"2026-12-06T09:30:00Z The practice server has a problem (error 500)."};
    r.history = {{"2026-12-06T10:00:00Z", "hidden", "", ""}};
    r.images = {{"01-radiograph.png", {}, "aaaaaaaa-2222-4333-8444-555555555555", "aaaa.png", std::string(64, 'a'),
                 1234, ImageKind::radiograph, 1, 640, 480, 16}};
    seed("manifest", "complete.json", manifest_json(r));
    r.state = "restored";
    r.restored_as = "22222222-2222-4333-8444-555555555555";
    r.images.push_back(r.images[0]);
    r.images[1].file = "02-photo.jpg";
    r.images[1].kind = ImageKind::photo;
    seed("manifest", "restored.json", manifest_json(r));
}

void thumb_cache_seeds() {
    const std::string sha(64, 'a');  // fuzz_thumb_cache.cpp reads every seed for this image
    for (int channels : {1, 3, 4}) {
        GrayOrRgba8Image t{5, 3, 4, {}};  // RGBA: encode_thumb_file packs the gray one into one channel
        for (int i = 0; i < 15; ++i) {
            const uint8_t v = uint8_t(i * 17);
            t.pixels.insert(t.pixels.end(), {v, uint8_t(channels == 1 ? v : 255 - v), v, uint8_t(channels == 4 ? i : 255)});
        }
        seed("thumb_cache", "c" + std::to_string(channels) + ".thumb", encode_thumb_file(t, sha, 256));
    }
}

void script_seeds() {
    seed("script", "all-steps.txt",
         "# every step\n"
         "tap \"Synchronize Procedures\"\n"
         "type \"Taylor \\\"T\\\" O'Neil\"\n"
         "drag 640 500 0 -300\n"
         "wait-for \"Maria LÓPEZ\" 3\n"
         "expect \"Sync\"\n"
         "expect-gone \"Sign in\"\n"
         "screenshot out/patients.png\n");
}

void config_seeds() {
    const json file = {{"server", "https://practice.example:8443"}, {"location", "loc-1"}, {"store", "/tmp/store"},
                       {"recovery", "/tmp/recovery"}, {"workstation", "OP-1"}, {"proceed_command", "true"},
                       {"signout_minutes", 2.5}, {"fullscreen", true}, {"scale", 1.25}};
    seed("config", "file-and-flags", file.dump(2) + std::string(1, '\0') +
                                         "--server\nhttps://10.0.0.5\n--size\n1920x1080\n--signout-minutes=0\n--demo");
    seed("config", "file-only", file.dump());
    seed("config", "flags-only", std::string(1, '\0') + "--scale\n3\n--size=640x480\n--config\n/nonexistent");
}

void text_seeds() {
    seed("text", "names", "  María  José\tGARCÍA-López \nStraße\n1984-02-29");
    seed("text", "dates", "2000-02-29\n2026-12-06\n1999-13-01");
    seed("text", "uuid", "11111111-2222-4333-8444-555555555555\nAAAAAAAA-2222-4333-8444-555555555555\n");
    seed("text", "digest", "sha-256=:" + std::string(43, 'A') + "=:, md5=:x:\n120\nhttps://[::1]:8443/");
    seed("text", "urls", "http://127.0.0.1:8080\nhttps://user@host/x?q#f\nftp://x");
}

void csv_seeds() {
    seed("csv", "patients",
         "\xEF\xBB\xBF" "first_name,last_name,birth_date,household\r\nJos\xC3\xA9,\"Garc\xC3\xAD" "a, Jr\",1990-02-11,h-6\r\n"
         "\"Mary \"\"Molly\"\"\",Smith,1975-06-02,\r\n\"two\r\nlines\",x,,\n");
    seed("csv", "broken", "a,b\n\"open,1\nno\"quote,2\n\"x\"y,3\n\r\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds OUT_DIR\n");
        return 2;
    }
    g_out = argv[1];
    image_seeds();
    api_seeds();
    dicomweb_seeds();
    manifest_seeds();
    thumb_cache_seeds();
    script_seeds();
    config_seeds();
    text_seeds();
    csv_seeds();
    return 0;
}
