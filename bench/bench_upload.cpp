// Upload: PracticeClient (declare → upload_image → commit) against `curl -T`
// PUTting the same files to the same embedded practice server on loopback,
// interleaved round by round (A B, then B A, ...). A fresh server and data
// folder per round keep disk use bounded. With `tls` both sides go over
// HTTPS to the server's self-signed certificate (made by `openssl req`),
// each trusting it as its CA (issue 16: a practice runs HTTPS).
//   bench_upload DIR PROCEDURES IMAGES_PER_PROCEDURE IMAGE_MB ROUNDS [tls]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/bench_common.h"
#include "engine/api/practice_client.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "server/practice_server.h"

namespace fs = std::filesystem;

namespace {

struct SourceFile {
    fs::path path;
    std::string sha256;
    uint64_t size = 0;
};

// Incompressible bytes, made once and kept (the server does not decode images).
std::vector<SourceFile> make_sources(const fs::path& dir, int count, uint64_t bytes_each) {
    fs::create_directories(dir);
    std::vector<SourceFile> out;
    std::mt19937_64 rng(42);
    std::vector<uint64_t> buf(1 << 17);
    for (int i = 0; i < count; ++i) {
        const fs::path p = dir / ("upload-" + std::to_string(i) + ".bin");
        if (!fs::exists(p) || fs::file_size(p) != bytes_each) {
            std::ofstream f(p, std::ios::binary);
            for (uint64_t left = bytes_each; left > 0;) {
                for (auto& w : buf) w = rng();
                const uint64_t n = std::min<uint64_t>(left, buf.size() * 8);
                f.write(reinterpret_cast<const char*>(buf.data()), std::streamsize(n));
                left -= n;
            }
        }
        out.push_back({p, cs::sha256_file(p), bytes_each});
    }
    return out;
}

cs::api::Declaration declaration(const std::vector<SourceFile>& files, std::vector<std::string>& image_uuids) {
    cs::api::Declaration d{"p-1001", "loc-1", "D0274", "2026-11-30T14:02:00Z", true, false, "prov-1", {},
                           {"María", "Lopez", "1984-03-09"}};
    image_uuids.clear();
    for (size_t i = 0; i < files.size(); ++i) {
        image_uuids.push_back(cs::new_uuid());
        d.images.push_back({image_uuids.back(), files[i].sha256, files[i].size, "radiograph", int(i)});
    }
    return d;
}

struct Side {
    double upload_s = 0, overhead_s = 0;  // overhead: declare + commit
    uint64_t bytes = 0;
};

Side ours(cs::api::PracticeClient& client, const std::vector<std::vector<SourceFile>>& procs) {
    Side s;
    for (const auto& files : procs) {
        const std::string uuid = cs::new_uuid();
        std::vector<std::string> ids;
        const double t0 = cs::bench::now_s();
        client.declare(uuid, declaration(files, ids));
        const double t1 = cs::bench::now_s();
        for (size_t i = 0; i < files.size(); ++i) {
            client.upload_image(uuid, ids[i], files[i].path, files[i].sha256, files[i].size);
            s.bytes += files[i].size;
        }
        const double t2 = cs::bench::now_s();
        client.commit(uuid);
        s.upload_s += t2 - t1;
        s.overhead_s += (t1 - t0) + (cs::bench::now_s() - t2);
    }
    return s;
}

// The reference: one curl process per file, declared first (untimed) under its own uuid.
Side reference(cs::api::PracticeClient& client, const std::string& base, const std::string& curl_opts,
               const std::vector<std::vector<SourceFile>>& procs) {
    Side s;
    for (const auto& files : procs) {
        const std::string uuid = cs::new_uuid();
        std::vector<std::string> ids;
        client.declare(uuid, declaration(files, ids));
        for (size_t i = 0; i < files.size(); ++i) {
            const std::string cmd = "curl -s -o /dev/null -w '%{http_code}' -H 'Expect:'" + curl_opts + " -T " +
                                    cs::bench::shell_quoted(files[i].path.string()) + " -H " +
                                    cs::bench::shell_quoted("Repr-Digest: " + cs::repr_digest_header(files[i].sha256)) +
                                    " -H 'Content-Type: application/octet-stream' " +
                                    cs::bench::shell_quoted(base + "/api/v1/imaging-procedures/" + uuid + "/images/" + ids[i]);
            const double t0 = cs::bench::now_s();
            const std::string code = cs::bench::run_capture(cmd);
            s.upload_s += cs::bench::now_s() - t0;
            if (code != "201") throw std::runtime_error("curl upload answered " + code);
            s.bytes += files[i].size;
        }
        client.commit(uuid);
    }
    return s;
}

std::string curl_token(const std::string& base, const std::string& curl_opts) {
    const std::string out = cs::bench::run_capture("curl -s" + curl_opts +
                                                   " -X POST -H 'Content-Type: application/json' -d "
                                                   "'{\"user\":\"demo\",\"pin\":\"1234\",\"workstation\":\"BENCH\"}' " +
                                                   cs::bench::shell_quoted(base + "/api/v1/sessions"));
    return nlohmann::json::parse(out).at("token").get<std::string>();
}

// A self-signed certificate for 127.0.0.1, made once and kept in DIR.
cs::server::TlsFiles self_signed(const fs::path& dir) {
    cs::server::TlsFiles t{dir / "cert.pem", dir / "key.pem"};
    if (!fs::exists(t.cert) || !fs::exists(t.key)) {
        fs::create_directories(dir);
        const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 "
                                "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                                cs::bench::shell_quoted(t.key.string()) + " -out " +
                                cs::bench::shell_quoted(t.cert.string()) + " 2>/dev/null && echo ok";
        if (cs::bench::run_capture(cmd).find("ok") == std::string::npos)
            throw std::runtime_error("openssl could not make a certificate");
    }
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) return std::cerr << "usage: bench_upload DIR PROCEDURES IMAGES_PER_PROCEDURE IMAGE_MB ROUNDS [tls]\n", 2;
    try {
        const fs::path dir = argv[1];
        const int nproc = std::stoi(argv[2]), per = std::stoi(argv[3]), rounds = std::stoi(argv[5]);
        const bool tls = argc > 6 && std::string(argv[6]) == "tls";
        const auto files = make_sources(dir / "src", nproc * per, uint64_t(std::stoi(argv[4])) << 20);
        std::optional<cs::server::TlsFiles> cert;
        if (tls) cert = self_signed(dir / "tls");
        const std::string tls_opts = tls ? " --cacert " + cs::bench::shell_quoted(cert->cert.string()) : "";
        std::vector<std::vector<SourceFile>> procs(nproc);
        for (int i = 0; i < nproc * per; ++i) procs[i / per].push_back(files[i]);

        nlohmann::json ours_bps = nlohmann::json::array(), curl_bps = nlohmann::json::array(),
                       overhead_ms = nlohmann::json::array(), order = nlohmann::json::array();
        uint64_t total = 0;
        for (int r = 0; r < rounds; ++r) {
            const fs::path data = dir / "server";
            fs::remove_all(data);
            cs::server::ServerOptions so;
            so.db = data / "practice.sqlite";
            so.images_dir = data / "images";
            so.seed = "demo";
            so.access_log = false;
            so.pin_hash_iterations = 1000;  // sign-in is not what is measured
            so.tls = cert;
            cs::server::PracticeServer server(so);
            server.start();
            cs::api::PracticeClient client({server.base_url(), "loc-1", "BENCH", tls ? cert->cert.string() : ""});
            client.sign_in("demo", "1234");
            const std::string curl_opts =
                tls_opts + " -H " + cs::bench::shell_quoted("Authorization: Bearer " + curl_token(server.base_url(), tls_opts));
            // The first side's 545 MB are still being written back when the second
            // starts; sync() (untimed) between them so neither pays for the other.
            const auto run_ours = [&] { Side s = ours(client, procs); return ::sync(), s; };
            const auto run_curl = [&] { Side s = reference(client, server.base_url(), curl_opts, procs); return ::sync(), s; };
            ::sync();
            Side a, b;
            if (r % 2 == 0) {
                a = run_ours(), b = run_curl(), order.push_back("AB");
            } else {
                b = run_curl(), a = run_ours(), order.push_back("BA");
            }
            total = a.bytes;
            ours_bps.push_back(a.bytes / a.upload_s);
            curl_bps.push_back(b.bytes / b.upload_s);
            overhead_ms.push_back(a.overhead_s * 1e3 / nproc);
            std::cerr << "bench_upload: round " << r + 1 << ": ours " << a.bytes / a.upload_s / 1e6 << " MB/s, curl "
                      << b.bytes / b.upload_s / 1e6 << " MB/s\n";
            server.stop();
            fs::remove_all(data);
        }
        cs::bench::emit({{"procedures", nproc}, {"tls", tls}, {"bytes", total}, {"order", order}, {"ours_bytes_per_s", ours_bps},
                         {"curl_bytes_per_s", curl_bps}, {"overhead_ms_per_procedure", overhead_ms}});
    } catch (const std::exception& e) {
        std::cerr << "bench_upload: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
