#include "app/kiosk/worker/demo_workspace.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "engine/demo/demo_store.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "server/practice_server.h"

namespace cs::kiosk {

namespace fs = std::filesystem;

namespace {

struct DemoWorkspace {
    fs::path temp_root;  // removed at the end when we made it
    std::unique_ptr<server::PracticeServer> server;
    ~DemoWorkspace() {
        if (server) server->stop();
        server.reset();
        std::error_code ec;
        if (!temp_root.empty()) fs::remove_all(temp_root, ec);
    }
};

fs::path make_temp_root() {
    std::string tmpl = (fs::temp_directory_path() / "chairsync-demo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw_io_error("make the demo folder", tmpl, errno);
    return tmpl;
}

// docs/demo-practice.md: the server fails Noah Patel's D0230 upload every time,
// so the demo shows a failure, Sync the Procedure Again and Hide Procedure.
// Found in the store itself, so a reused demo store (--store) gets it too.
void fail_noah_patel_d0230(server::PracticeServer& server, const fs::path& store_dir) {
    OfflineStore store(store_dir);
    for (const auto& p : store.patients_with_pending()) {
        if (p.patient.first_name != "Noah" || p.patient.last_name != "Patel") continue;
        for (const auto& proc : store.procedures_of(p.patient.id)) {
            if (proc.code != "D0230") continue;
            server.add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", proc.uuid, -1));  // forever, 500
        }
    }
}

}  // namespace

std::shared_ptr<void> prepare_demo_workspace(EngineOptions& opt) {
    auto ws = std::make_shared<DemoWorkspace>();
    if (opt.store.empty()) {
        ws->temp_root = make_temp_root();
        opt.store = ws->temp_root / "store";
    }
    if (!fs::exists(opt.store / "store.db")) demo::build_demo_store(opt.store);

    server::ServerOptions so;
    so.db = opt.store.parent_path() / "demo-server" / "practice.db";
    so.images_dir = opt.store.parent_path() / "demo-server" / "images";
    fs::create_directories(so.images_dir);
    so.seed = "demo";
    so.pin_hash_iterations = 2000;  // demo users only: start in a moment, even under sanitizers
    ws->server = std::make_unique<server::PracticeServer>(so);
    ws->server->start();
    opt.server_url = ws->server->base_url();
    fail_noah_patel_d0230(*ws->server, opt.store);
    if (opt.demo_server_delay > 0) {  // a slow network, for trying the tap rule (docs/touch.md)
        server::FaultRule slow = server::FaultRule::on(server::FaultRule::Action::stall, "", "", -1);
        slow.seconds = opt.demo_server_delay;
        ws->server->add_fault(slow);
    }
    if (opt.workstation.empty()) opt.workstation = "OP-1";
    spdlog::info("demo: store {}, server {}", opt.store.string(), opt.server_url);
    return ws;
}

}  // namespace cs::kiosk
