#include "engine/api/http_transport.h"

#include <curl/curl.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>


namespace cs::api {

void ensure_curl_global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw Error("The network library could not start. Restart ChairSync.", "curl_global_init failed");
    });
}

namespace {

// State of one exchange, shared with curl's callbacks.
struct Exchange {
    const HttpCall* call = nullptr;
    const TransportConfig* cfg = nullptr;
    const std::atomic<bool>* cancel = nullptr;
    std::string body, retry_after;
    bool too_large = false;
    bool cancelled = false;
    // upload: the piece being sent, how much of it has gone, its open file
    size_t piece = 0;
    uint64_t piece_done = 0;
    uint64_t total = 0;
    std::unique_ptr<FILE, int (*)(FILE*)> file{nullptr, &std::fclose};
    bool read_failed = false;
    std::string failed_file;  // the file that could not be opened or read
    uint64_t last_progress = UINT64_MAX;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* x = static_cast<Exchange*>(user);
    const size_t len = size * n;
    if (x->body.size() + len > x->cfg->max_response_bytes) {
        x->too_large = true;  // cap enforced as bytes arrive, never after buffering them
        return 0;
    }
    x->body.append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* x = static_cast<Exchange*>(user);
    const size_t len = size * n;
    std::string line(data, len);
    if (line.rfind("HTTP/", 0) == 0) x->retry_after.clear();  // a new response (after 100 Continue)
    constexpr const char* kName = "retry-after:";
    if (line.size() > std::strlen(kName) && strncasecmp(line.c_str(), kName, std::strlen(kName)) == 0) {
        std::string v = line.substr(std::strlen(kName));
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
        x->retry_after = v;
    }
    return len;
}

size_t on_read(char* buf, size_t size, size_t n, void* user) {
    auto* x = static_cast<Exchange*>(user);
    const auto& pieces = x->call->upload;
    size_t out = 0;
    const size_t room = size * n;
    while (out < room && x->piece < pieces.size()) {
        const BodyPiece& p = pieces[x->piece];
        const size_t want = static_cast<size_t>(std::min<uint64_t>(room - out, p.size - x->piece_done));
        size_t got = 0;
        if (!p.file) {
            std::memcpy(buf + out, p.bytes.data() + x->piece_done, want);
            got = want;
        } else if (want > 0) {
            if (!x->file) x->file.reset(std::fopen(p.file->c_str(), "rb"));
            got = x->file ? std::fread(buf + out, 1, want, x->file.get()) : 0;
            if (got == 0) {  // the file is gone, shrank or cannot be read: abort rather than send a short body
                x->read_failed = true;
                x->failed_file = p.file->string();
                return CURL_READFUNC_ABORT;
            }
        }
        out += got;
        x->piece_done += got;
        if (x->piece_done == p.size) {
            x->file.reset();
            ++x->piece;
            x->piece_done = 0;
        }
    }
    return out;
}

// curl rewinds a body it must send again (a kept-alive connection found
// closed): start over from the first piece.
int on_seek(void* user, curl_off_t offset, int origin) {
    auto* x = static_cast<Exchange*>(user);
    if (origin != SEEK_SET || offset != 0) return CURL_SEEKFUNC_CANTSEEK;
    x->piece = 0;
    x->piece_done = 0;
    x->file.reset();
    return CURL_SEEKFUNC_OK;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
    auto* x = static_cast<Exchange*>(user);
    if (x->cancel->load()) {
        x->cancelled = true;
        return 1;
    }
    if (x->call->progress && !x->call->upload.empty() && static_cast<uint64_t>(ulnow) != x->last_progress) {
        x->last_progress = static_cast<uint64_t>(ulnow);
        x->call->progress(static_cast<uint64_t>(ulnow), x->total);
    }
    return 0;
}

std::string seconds_text(std::chrono::milliseconds ms) {
    auto s = (ms.count() + 999) / 1000;
    return std::to_string(s) + " s";
}

std::string size_text(uint64_t bytes) {
    if (bytes >= (1u << 20)) return std::to_string(bytes >> 20) + " MB";
    return std::to_string((bytes + 1023) >> 10) + " KB";
}

const char* kCheckNetwork = " Check the network, then try again.";

ApiError transport_error(CURLcode rc, const char* errbuf, const Exchange& x,
                         const TransportConfig& cfg, const BaseUrl& base, bool connected) {
    const HttpCall& c = *x.call;
    const std::string& peer = cfg.peer;
    std::string detail = std::string(c.method) + " " + c.path + ": curl " + std::to_string(rc) + " " +
                         curl_easy_strerror(rc) + (errbuf[0] ? std::string(" (") + errbuf + ")" : "");
    using K = ApiErrorKind;
    if (x.cancelled) return ApiError(K::cancelled, "Cancelled.", detail);
    if (x.too_large)
        return ApiError(K::bad_answer,
                        "The " + peer + " sent an answer that is far too large (over " +
                            size_text(cfg.max_response_bytes) +
                            "), so it was not accepted. If it keeps happening, call your IT person.",
                        detail + " (response over the size cap)");
    if (x.read_failed || rc == CURLE_READ_ERROR)
        return ApiError(K::local_file,
                        "The image file on this computer could not be read completely. It may have been moved or "
                        "damaged.",
                        detail + (x.failed_file.empty() ? "" : " (" + x.failed_file + ")"));
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            return ApiError(K::network, "The " + peer + " at " + base.host + " cannot be reached." + kCheckNetwork,
                            detail);
        case CURLE_OPERATION_TIMEDOUT:
            if (!connected)
                return ApiError(K::timeout,
                                "The " + peer + " did not answer within " + seconds_text(cfg.connect_timeout) +
                                    "." + kCheckNetwork,
                                detail);
            if (std::strncmp(errbuf, "Operation too slow", 18) == 0)
                return ApiError(K::timeout,
                                "The connection to the " + peer + " stalled (almost nothing moved for " +
                                    std::to_string(cfg.low_speed_seconds) + " s)." + kCheckNetwork,
                                detail);
            return ApiError(K::timeout,
                            "The " + peer + " did not answer within " + seconds_text(c.timeout) + "." + kCheckNetwork,
                            detail);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
            return ApiError(K::tls, "The " + peer + "'s security certificate is not trusted. Call your IT person.",
                            detail);
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
            return ApiError(K::tls, "A secure connection to the " + peer + " could not be made. Call your IT person.",
                            detail);
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            return ApiError(K::config, "The " + peer + " address in the settings is not valid. Call your IT person.",
                            detail);
        default:
            return ApiError(K::network, "The connection to the " + peer + " was interrupted." + kCheckNetwork,
                            detail);
    }
}

struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

uint64_t upload_size(const HttpCall& call) {
    uint64_t n = 0;
    for (const auto& p : call.upload) n += p.size;
    return n;
}

HttpTransport::HttpTransport(BaseUrl base, TransportConfig cfg, const std::atomic<bool>& cancel_flag)
    : base_(std::move(base)), cfg_(std::move(cfg)), cancel_(cancel_flag) {
    ensure_curl_global_init();
    curl_ = curl_easy_init();
    if (!curl_) throw Error("The network library could not start. Restart ChairSync.", "curl_easy_init failed");
}

HttpTransport::~HttpTransport() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpOutcome HttpTransport::perform(const HttpCall& call) {
    CURL* h = static_cast<CURL*>(curl_);
    curl_easy_reset(h);  // forget the last call's options; live connections stay cached

    Exchange x;
    x.call = &call;
    x.cfg = &cfg_;
    x.cancel = &cancel_;
    HttpOutcome out;
    out.call = CallContext{call.method, call.path};

    std::string url = base_.text + call.path + (call.query.empty() ? "" : "?" + call.query);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!cfg_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, cfg_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, cfg_.low_speed_bytes_per_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, cfg_.low_speed_seconds);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

    std::unique_ptr<curl_slist, SlistFree> headers;
    auto add_header = [&](const std::string& hline) {
        curl_slist* l = curl_slist_append(headers.get(), hline.c_str());
        if (!l) throw Error("Out of memory.", "curl_slist_append failed");
        (void)headers.release();
        headers.reset(l);
    };
    add_header("Accept: " + call.accept);
    add_header("Expect:");  // no 100-continue round trip before uploads
    if (!call.bearer.empty()) add_header("Authorization: Bearer " + call.bearer);
    if (call.bearer.empty() && !call.basic_auth.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERPWD, call.basic_auth.c_str());
    }

    const std::string method = call.method;
    if (!call.upload.empty()) {
        // Files that cannot be opened are told before anything is sent.
        for (const auto& p : call.upload)
            if (p.file && !std::unique_ptr<FILE, int (*)(FILE*)>(std::fopen(p.file->c_str(), "rb"), &std::fclose))
                throw ApiError(ApiErrorKind::local_file,
                               "The image file on this computer cannot be opened. It may have been moved or deleted.",
                               method + " " + call.path + ": cannot open " + p.file->string());
        x.total = upload_size(call);
        add_header("Content-Type: " + call.content_type);
        if (!call.repr_digest.empty()) add_header("Repr-Digest: " + call.repr_digest);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &x);
        curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &on_seek);
        curl_easy_setopt(h, CURLOPT_SEEKDATA, &x);
        curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024L);
        if (method == "PUT") {
            curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);  // PUT with a streamed body and Content-Length
            curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(x.total));
        } else {
            curl_easy_setopt(h, CURLOPT_POST, 1L);  // POST streamed through the read callback
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(x.total));
        }
    } else if (call.json_body) {
        add_header("Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.json_body->data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.json_body->size()));
        if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method);
    } else if (method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        if (method != "GET") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    CURLcode rc = curl_easy_perform(h);

    long request_size = 0, status = 0;
    curl_off_t connect_us = 0;
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);  // the list (with the token) is freed below
    curl_easy_setopt(h, CURLOPT_USERPWD, nullptr);      // nor does the handle keep a password
    out.request_sent = request_size > 0;
    if (rc != CURLE_OK) {
        out.error = transport_error(rc, errbuf, x, cfg_, base_, connect_us > 0 || request_size > 0);
        return out;
    }
    out.status = static_cast<int>(status);
    out.body = std::move(x.body);
    out.retry_after = std::move(x.retry_after);
    return out;
}

}  // namespace cs::api
