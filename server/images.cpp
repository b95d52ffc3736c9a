// Image bytes: checked against the Repr-Digest header and the declaration,
// durable on disk before the answer; a wrong digest stores nothing.
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "server/core.h"

namespace cs::server {

namespace {

struct HeldImage {
    std::string state, sha256;
    int64_t size = 0;
    bool received = false;
};

std::optional<HeldImage> find_image(sql::Db& db, const std::string& proc, const std::string& img, bool& proc_known) {
    auto st = db.prepare("SELECT state FROM procedures WHERE uuid = ?1");
    st.bind_all(proc);
    proc_known = st.step();
    if (!proc_known) return std::nullopt;
    HeldImage d;
    d.state = st.text(0);
    auto im = db.prepare("SELECT sha256, size, received FROM procedure_images WHERE procedure_uuid = ?1 AND image_uuid = ?2");
    im.bind_all(proc, img);
    if (!im.step()) {
        if (d.state == "withdrawn") return d;  // withdrawn before declared: no images at all
        return std::nullopt;
    }
    d.sha256 = im.text(0);
    d.size = im.i64(1);
    d.received = im.i64(2) != 0;
    return d;
}

}  // namespace

UploadTarget PracticeServer::Impl::upload_target(const std::string& proc, const std::string& img,
                                                const std::string& repr_digest, uint64_t length) {
    UploadTarget t;
    t.proc = require_uuid(proc, "procedure uuid");
    t.img = require_uuid(img, "image uuid");
    if (length > opt.max_image_bytes) fail(413, "too_large", "The image is larger than the server accepts.");
    bool proc_known = false;
    auto decl = db.with([&](sql::Db& d) { return find_image(d, t.proc, t.img, proc_known); });
    if (!proc_known) fail(404, "not_found", "The server holds no procedure with this uuid; declare it first.");
    if (!decl) fail(404, "not_found", "This image is not part of the procedure's declaration.");
    if (decl->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn.");

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
    std::string state_now;
    int changed = db.with([&](sql::Db& d) {
        auto st = d.prepare("SELECT state FROM procedures WHERE uuid = ?1");
        st.bind_all(proc);
        st.step();
        state_now = st.text(0);
        if (state_now == "withdrawn") return 0;
        d.prepare("UPDATE procedure_images SET received = 1 WHERE procedure_uuid = ?1 AND image_uuid = ?2 AND received = 0")
            .bind_all(proc, img)
            .run();
        return d.changes();
    });
    if (state_now == "withdrawn") {  // withdrawn while the bytes were being written
        fsx::remove_durable(image_file(proc, img));
        fail(409, "withdrawn", "This procedure was withdrawn.");
    }
    send_body(c.res, changed == 1 ? 201 : 200, answer);
}

}  // namespace cs::server
