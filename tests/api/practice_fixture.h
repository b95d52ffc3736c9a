#pragma once
// A real practice server (seed "demo") on a loopback port in a temporary
// folder, clients for it with short timeouts and tiny retry delays, image
// files, and the checks every fault test ends with.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/api/practice_client.h"
#include "server/practice_server.h"
#include "tests/support/error_of.h"
#include "tests/support/test_support.h"

namespace cs::api {
// Declared a friend by PracticeClient: lets the log test know the token it must not find.
struct ClientTestAccess {
    static const std::string& token(const PracticeClient& c) { return c.token_; }
};
}  // namespace cs::api

namespace cs::test {

struct LocalImage {
    fs::path path;
    api::DeclaredImage declared;
};

class Practice {
public:
    // `tweak` may change the server's options (token_ttl, tls, ...) before it starts.
    explicit Practice(const std::function<void(server::ServerOptions&)>& tweak = {});
    server::PracticeServer& server() { return *server_; }
    const fs::path& dir() const { return dir_.path(); }

    // A client of this server with test-sized timeouts and retry delays.
    api::ClientConfig client_config() const;
    std::unique_ptr<api::PracticeClient> client(const std::function<void(api::ClientConfig&)>& tweak = {});
    std::unique_ptr<api::PracticeClient> signed_in_client(const std::function<void(api::ClientConfig&)>& tweak = {});

    // A file of `size` pseudo-random bytes (different for each call).
    LocalImage make_image(uint64_t size, ImageKind kind = ImageKind::radiograph, int seq = 0);
    // p-1001 at loc-1, D0274, charges and insurance on, prov-1, with these images.
    api::Declaration declaration(const std::vector<LocalImage>& images) const;

    // Declares, uploads every image and commits; returns the committed status.
    api::ProcedureStatus sync(api::PracticeClient& c, const std::string& uuid, const std::vector<LocalImage>& images);

    // What must hold after any fault: each procedure and charge at most once,
    // every image the server holds byte-identical to ours, no stray charge.
    void check_invariants(const std::vector<std::string>& procedure_uuids, const std::vector<LocalImage>& images);

private:
    TempDir dir_;
    std::unique_ptr<server::PracticeServer> server_;
    int image_counter_ = 0;
};

// A self-signed certificate for 127.0.0.1 and localhost, made with OpenSSL's X509 API.
server::TlsFiles make_self_signed_cert(const fs::path& dir);

}  // namespace cs::test
