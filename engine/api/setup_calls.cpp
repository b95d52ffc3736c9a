#include "engine/api/setup_calls.h"

#include <algorithm>
#include <atomic>

#include "engine/api/api_types.h"
#include "engine/api/http_transport.h"

namespace cs::api {

std::vector<Location> check_admin_pin(const ClientConfig& cfg, const std::string& pin) {
    const BaseUrl base = check_base_url(cfg.base_url, cfg.insecure);
    TransportConfig t;
    t.ca_file = cfg.ca_file;
    t.connect_timeout = cfg.connect_timeout;
    t.low_speed_bytes_per_s = cfg.low_speed_bytes_per_s;
    t.low_speed_seconds = cfg.low_speed_seconds;
    t.max_response_bytes = cfg.max_response_bytes;
    const std::atomic<bool> never_cancelled{false};
    HttpTransport http(base, t, never_cancelled);
    HttpCall c;
    c.method = "POST";
    c.path = "/api/v1/setup/admin-pin";
    c.timeout = cfg.call_timeout;
    c.json_body = encode(AdminPinCheck{pin});
    HttpOutcome out = http.perform(c);
    std::fill(c.json_body->begin(), c.json_body->end(), '\0');  // the PIN stays in memory no longer than needed
    if (out.error) throw *out.error;
    if (out.status != 200) throw error_from_http(out.call, out.status, out.body);
    return read_answer<LocationList>(out.call, out.body).locations;
}

}  // namespace cs::api
