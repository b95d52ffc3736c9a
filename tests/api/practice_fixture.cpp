#include "tests/api/practice_fixture.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <random>
#include <set>

#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"

namespace cs::test {

Practice::Practice(const std::function<void(server::ServerOptions&)>& tweak) {
    server::ServerOptions o;
    o.db = dir_ / "practice.db";
    o.images_dir = dir_ / "images";
    o.seed = "demo";
    o.pin_hash_iterations = 1000;  // slow hashes are the server's business; tests need speed
    o.access_log = true;           // the log test proves the server's lines carry no token either
    if (tweak) tweak(o);
    server_ = std::make_unique<server::PracticeServer>(o);
    server_->start();
}

api::ClientConfig Practice::client_config() const {
    api::ClientConfig c;
    c.base_url = server_->base_url();
    c.location_id = "loc-1";
    c.workstation = "OP-1";
    c.connect_timeout = std::chrono::milliseconds(3000);
    c.call_timeout = std::chrono::milliseconds(20000);
    c.upload_timeout = std::chrono::milliseconds(60000);
    c.retry.max_attempts = 3;
    c.retry.base_delay = std::chrono::milliseconds(2);
    c.retry.max_delay = std::chrono::milliseconds(20);
    c.retry.max_retry_after = std::chrono::milliseconds(5000);
    return c;
}

std::unique_ptr<api::PracticeClient> Practice::client(const std::function<void(api::ClientConfig&)>& tweak) {
    api::ClientConfig c = client_config();
    if (tweak) tweak(c);
    return std::make_unique<api::PracticeClient>(c);
}

std::unique_ptr<api::PracticeClient> Practice::signed_in_client(const std::function<void(api::ClientConfig&)>& tweak) {
    auto c = client(tweak);
    c->sign_in("demo", "1234");
    return c;
}

LocalImage Practice::make_image(uint64_t size, ImageKind kind, int seq) {
    std::mt19937_64 rng(static_cast<uint64_t>(++image_counter_) * 7919);
    std::string bytes(size, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    LocalImage img;
    img.declared.uuid = new_uuid();
    img.path = dir_ / ("local-" + img.declared.uuid + ".bin");
    fsx::write_file_durable(img.path, bytes);
    img.declared.sha256 = sha256_hex(bytes);
    img.declared.size = size;
    img.declared.kind = to_string(kind);
    img.declared.seq = seq;
    return img;
}

api::Declaration Practice::declaration(const std::vector<LocalImage>& images) const {
    api::Declaration d;
    d.patient_id = "p-1001";
    d.location_id = "loc-1";
    d.code = "D0274";
    d.acquired_at = "2026-11-30T14:02:00Z";
    d.apply_charges = true;
    d.bill_insurance = true;
    d.provider_id = "prov-1";
    d.expected_patient = {"María", "Lopez", "1984-03-09"};
    for (const auto& i : images) d.images.push_back(i.declared);
    return d;
}

api::ProcedureStatus Practice::sync(api::PracticeClient& c, const std::string& uuid, const std::vector<LocalImage>& images) {
    c.declare(uuid, declaration(images));
    for (const auto& i : images) c.upload_image(uuid, i.declared.uuid, i.path, i.declared.sha256, i.declared.size);
    return c.commit(uuid);
}

void Practice::check_invariants(const std::vector<std::string>& procedure_uuids, const std::vector<LocalImage>& images) {
    int charges = 0;
    for (const auto& uuid : procedure_uuids) {
        INFO("procedure " << uuid);
        int n = server_->charge_count(uuid);
        CHECK(n <= 1);
        CHECK((n == 1) == (server_->procedure_state(uuid) == "committed"));
        charges += n;
        for (const auto& img : images) {
            std::string held = server_->stored_image_sha256(uuid, img.declared.uuid);
            if (!held.empty()) CHECK(held == img.declared.sha256);  // byte-identical, or absent
        }
    }
    CHECK(server_->total_charges() == charges);  // nothing charged that we did not ask for
}

namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct ExtFree { void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); } };

void write_pem(const fs::path& path, const std::function<int(FILE*)>& write) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    int ok = write(f);
    std::fclose(f);
    REQUIRE(ok == 1);
}

}  // namespace

server::TlsFiles make_self_signed_cert(const fs::path& dir) {
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    std::unique_ptr<X509, X509Free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::random_device{}() & 0x7fffffff));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ChairSync test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);  // self-signed
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        std::unique_ptr<X509_EXTENSION, ExtFree> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        REQUIRE(ext);
        X509_add_ext(cert.get(), ext.get(), -1);
    }
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    server::TlsFiles files{dir / "server-cert.pem", dir / "server-key.pem"};
    write_pem(files.cert, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
    write_pem(files.key, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return files;
}

}  // namespace cs::test
