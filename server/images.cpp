// Image bytes: checked against the Repr-Digest header and the declaration,
// durable on disk before the answer; a wrong digest stores nothing.
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "server/core.h"

namespace cs::server {

UploadTarget PracticeServer::Impl::upload_target(const std::string& proc, const std::string& img,
                                                const std::string& repr_digest, uint64_t length) {
    UploadTarget t;
    t.proc = require_uuid(proc, "procedure uuid");
    t.img = require_uuid(img, "image uuid");
    if (length > opt.max_image_bytes) fail(413, "too_large", "The image is larger than the server accepts.");
    auto [state, decl] = db->read([&](Tx& x) { return std::pair{x.procedure_state(t.proc), x.image(t.proc, t.img)}; });
    if (!state) fail(404, "not_found", "The server holds no procedure with this uuid; declare it first.");
    // Withdrawn (also before it was ever declared, with no images): withdrawn is the answer.
    if (*state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn.");
    if (!decl) fail(404, "not_found", "This image is not part of the procedure's declaration.");

    t.claimed_sha256 = parse_repr_digest(repr_digest);
    if (t.claimed_sha256.empty()) fail(400, "bad_request", "The upload needs a Repr-Digest: sha-256=:BASE64: header.");
    if (static_cast<int64_t>(length) != decl->size)
        fail(400, "size_mismatch", "The upload has " + std::to_string(length) + " bytes; the declaration says " +
                                       std::to_string(decl->size) + ".");
    t.sha256 = decl->sha256;
    t.size = decl->size;
    t.received = decl->received;
    return t;
}

void PracticeServer::Impl::upload_image(Call& c) {
    // The same checks the front made from the headers (admit), now on the body received.
    UploadTarget t = upload_target(c.path_param(1), c.path_param(2), c.req.get_header_value("Repr-Digest"), c.req.body.size());
    const std::string &proc = t.proc, &img = t.img;
    const std::string& bytes = c.req.body;
    std::string actual = sha256_hex(bytes);
    if (actual != t.claimed_sha256 || actual != t.sha256)
        fail(400, "digest_mismatch", "The image bytes do not match their checksum; nothing was stored.");

    const api::UploadResult answer{img, actual, static_cast<uint64_t>(t.size), t.received};
    if (t.received) return send_body(c.res, 200, answer);

    // Durable before anyone is told it is held.
    fsx::create_dirs_durable(opt.images_dir / proc);
    fsx::write_file_durable(image_file(proc, img), bytes);
    // Withdrawn while the bytes were being written (perhaps on another
    // server): the same transaction that would mark them received says so.
    auto [withdrawn, newly] = db->write([&](Tx& x) {
        if (x.procedure_state(proc) == "withdrawn") return std::pair{true, false};
        return std::pair{false, x.mark_received(proc, img)};
    });
    if (withdrawn) {
        fsx::remove_durable(image_file(proc, img));
        fail(409, "withdrawn", "This procedure was withdrawn.");
    }
    send_body(c.res, newly ? 201 : 200, answer);
}

}  // namespace cs::server
