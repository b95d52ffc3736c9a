// STOW-RS: dicomweb::StowClient against `curl` POSTing the same multipart
// body (made by the same dicomweb::stow_body, written to one file per
// request) to the same Orthanc on loopback (loopback/orthanc.h), interleaved
// round by round (A B, then B A, ...). The image set is the upload bench's
// size (PROCEDURES × IMAGES × IMAGE_MB MiB of pixels): 16-bit grey panoramics
// of exactly IMAGE_MB MiB, made once as PNG and encoded as DICOM by the
// engine (cs::dicom::write_instance), each encode timed. Between sides the
// archive's studies are deleted (untimed), so both store every instance anew.
//   bench_stow DIR PROCEDURES IMAGES_PER_PROCEDURE IMAGE_MB ROUNDS
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "bench/bench_common.h"
#include "engine/demo/synthetic_images.h"
#include "engine/dicom/dicom_object.h"
#include "engine/dicomweb/stow_client.h"
#include "engine/util/uuid.h"
#include "loopback/orthanc.h"

namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 4096;  // × height × 2 bytes = IMAGE_MB MiB of pixels

// The PNGs, made once and kept (the synthetic panoramic, at this size).
std::vector<fs::path> make_sources(const fs::path& dir, int count, int image_mb) {
    fs::create_directories(dir);
    const int height = int((uint64_t(image_mb) << 20) / 2 / kWidth);
    std::vector<fs::path> out;
    for (int i = 0; i < count; ++i) {
        const fs::path p = dir / ("pano-" + std::to_string(kWidth) + "x" + std::to_string(height) + "-" +
                                  std::to_string(i) + ".png");
        if (!fs::exists(p)) {
            const auto png = cs::demo::make_synthetic_file({cs::demo::SyntheticKind::panoramic, uint64_t(i + 1), 1.0,
                                                            kWidth, height});
            const fs::path tmp = p.string() + ".tmp";
            std::ofstream(tmp, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
            fs::rename(tmp, p);
        }
        out.push_back(p);
    }
    return out;
}

// One request's body as one file: the very bytes StowClient streams.
void write_body(const cs::dicomweb::StowBody& body, const fs::path& path) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    std::vector<char> buf(1 << 20);
    for (const auto& piece : body.pieces) {
        if (!piece.file) {
            f.write(piece.bytes.data(), std::streamsize(piece.bytes.size()));
            continue;
        }
        std::ifstream in(*piece.file, std::ios::binary);
        while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
            f.write(buf.data(), in.gcount());
    }
    if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}

struct Request {
    std::vector<cs::dicomweb::StowPart> parts;
    fs::path curl_body;
    std::string content_type;
    uint64_t bytes = 0;  // of the DICOM files
};

// Deletes every study (untimed), so the next side stores each instance anew, and waits for the disk.
void empty_archive(cs::loopback::Orthanc& o) {
    const auto r = o.get("/studies");
    if (r.status != 200) throw std::runtime_error("Orthanc GET /studies answered " + std::to_string(r.status));
    for (const auto& id : nlohmann::json::parse(r.body))
        if (o.remove("/studies/" + id.get<std::string>()).status != 200) throw std::runtime_error("Orthanc DELETE failed");
    ::sync();
}

int instances_held(cs::loopback::Orthanc& o) {
    const auto r = o.get("/statistics");
    return r.status == 200 ? nlohmann::json::parse(r.body).at("CountInstances").get<int>() : -1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) return std::cerr << "usage: bench_stow DIR PROCEDURES IMAGES_PER_PROCEDURE IMAGE_MB ROUNDS\n", 2;
    spdlog::set_level(spdlog::level::warn);  // not a line per request in the bench's output
    try {
        if (const std::string m = cs::loopback::Orthanc::missing(); !m.empty())
            throw std::runtime_error("Orthanc is not installed: " + m);
        const fs::path dir = argv[1];
        const int nproc = std::stoi(argv[2]), per = std::stoi(argv[3]), image_mb = std::stoi(argv[4]),
                  rounds = std::stoi(argv[5]);
        const auto sources = make_sources(dir / "src", nproc * per, image_mb);

        // Encode: every image, once per run, timed one by one.
        const fs::path dicom_dir = dir / "dicom", body_dir = dir / "curl";
        fs::remove_all(dicom_dir);
        fs::remove_all(body_dir);
        fs::create_directories(body_dir);
        nlohmann::json encode_ms = nlohmann::json::array();
        std::vector<Request> requests(nproc);
        for (int p = 0; p < nproc; ++p) {
            cs::dicom::InstanceInput in;
            in.patient = {"BENCH-" + std::to_string(p), "María", "Lopez", "1984-03-09", std::nullopt};
            in.patient_sex = "F";
            in.procedure.uuid = cs::new_uuid();
            in.procedure.code = "D0330";
            in.procedure.name = "panoramic";
            in.procedure.acquired_at = "2026-11-30T14:02:00Z";
            in.provider.name = "Dr. Ana Reyes";
            in.institution = "Main Street Dental";
            in.station = "BENCH";
            for (int i = 0; i < per; ++i) {
                in.image.uuid = cs::new_uuid();
                in.image.seq = i + 1;
                in.image_file = sources[size_t(p * per + i)];
                const double t0 = cs::bench::now_s();
                const cs::dicom::Instance made = cs::dicom::write_instance(in, dicom_dir);
                encode_ms.push_back((cs::bench::now_s() - t0) * 1e3);
                requests[p].parts.push_back({made.sop_instance_uid, made.file, made.bytes});
                requests[p].bytes += made.bytes;
            }
            // curl's body: the same framing and files, with a boundary of the same length.
            const auto body = cs::dicomweb::stow_body(requests[p].parts, "chairsync-" + cs::new_uuid());
            requests[p].curl_body = body_dir / ("request-" + std::to_string(p) + ".bin");
            requests[p].content_type = body.content_type;
            write_body(body, requests[p].curl_body);
        }
        uint64_t total = 0;
        for (const auto& r : requests) total += r.bytes;
        std::cerr << "bench_stow: " << nproc * per << " images encoded, " << total / 1e6 << " MB of DICOM, median "
                  << cs::bench::median(encode_ms.get<std::vector<double>>()) << " ms per image\n";

        cs::loopback::Orthanc orthanc({"chairsync", "", "ChairSync bench archive"});
        cs::dicomweb::ArchiveConfig cfg;
        cfg.base_url = orthanc.dicomweb_url();
        cfg.user = orthanc.user();
        cfg.password = orthanc.password();
        cs::dicomweb::StowClient client(cfg);

        const auto ours = [&] {
            double s = 0;
            for (const auto& r : requests) {
                const double t0 = cs::bench::now_s();
                const auto result = client.store(r.parts);
                s += cs::bench::now_s() - t0;
                if (!result.all_stored()) throw std::runtime_error("StowClient: not every instance was stored");
            }
            return s;
        };
        const auto reference = [&] {
            double s = 0;
            for (const auto& r : requests) {
                const std::string cmd = "curl -s -o /dev/null -w '%{http_code}' -X POST -T " +
                                        cs::bench::shell_quoted(r.curl_body.string()) + " -H 'Expect:' -H " +
                                        cs::bench::shell_quoted("Content-Type: " + r.content_type) +
                                        " -H 'Accept: application/dicom+json' -u " +
                                        cs::bench::shell_quoted(orthanc.user() + ":" + orthanc.password()) + " " +
                                        cs::bench::shell_quoted(orthanc.dicomweb_url() + "/studies");
                const double t0 = cs::bench::now_s();
                const std::string code = cs::bench::run_capture(cmd);
                s += cs::bench::now_s() - t0;
                if (code != "200") throw std::runtime_error("curl's STOW-RS answered " + code);
            }
            return s;
        };
        // Each side must have stored all of them, then the archive is emptied for the other.
        const int expected = nproc * per;
        const auto side = [&](const auto& fn, const char* who) {
            const double s = fn();
            if (const int n = instances_held(orthanc); n != expected)
                throw std::runtime_error(std::string(who) + ": Orthanc holds " + std::to_string(n) + " instances, not " +
                                         std::to_string(expected));
            empty_archive(orthanc);
            return s;
        };

        nlohmann::json ours_bps = nlohmann::json::array(), curl_bps = nlohmann::json::array(),
                       order = nlohmann::json::array();
        empty_archive(orthanc);
        for (int r = 0; r < rounds; ++r) {
            double a = 0, b = 0;
            if (r % 2 == 0) {
                a = side(ours, "ours"), b = side(reference, "curl"), order.push_back("AB");
            } else {
                b = side(reference, "curl"), a = side(ours, "ours"), order.push_back("BA");
            }
            ours_bps.push_back(total / a);
            curl_bps.push_back(total / b);
            std::cerr << "bench_stow: round " << r + 1 << ": ours " << total / a / 1e6 << " MB/s, curl "
                      << total / b / 1e6 << " MB/s\n";
        }
        fs::remove_all(body_dir);
        fs::remove_all(dicom_dir);
        cs::bench::emit({{"procedures", nproc}, {"images", nproc * per}, {"bytes", total}, {"order", order},
                         {"ours_bytes_per_s", ours_bps}, {"curl_bytes_per_s", curl_bps}, {"encode_ms", encode_ms}});
    } catch (const std::exception& e) {
        std::cerr << "bench_stow: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
