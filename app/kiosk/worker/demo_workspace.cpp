#include "app/kiosk/worker/demo_workspace.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "engine/demo/demo_store.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "loopback/orthanc.h"
#include "server/practice_server.h"

namespace cs::kiosk {

namespace fs = std::filesystem;

namespace {

struct DemoWorkspace {
    fs::path temp_root;  // removed at the end when we made it
    std::unique_ptr<server::PracticeServer> server;
    std::unique_ptr<loopback::Orthanc> archive;  // --pacs
    ~DemoWorkspace() {
        archive.reset();  // stops Orthanc and removes its folder
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

// --demo --pacs: a real Orthanc on loopback with a temporary folder (the
// tests' own, loopback/orthanc.h), and the kiosk's archive setting pointing
// at it. Its explorer is at the address Home shows, user demo, password demo
// (README, "The demo").
void start_demo_archive(DemoWorkspace& ws, EngineOptions& opt, const fs::path& folder) {
    if (const std::string missing = loopback::Orthanc::missing(); !missing.empty())
        throw Error("The demo's image archive needs Orthanc, which is not installed (" + missing +
                        "). ./dev demo --pacs installs it.",
                    "demo --pacs: " + missing);
    try {
        ws.archive = std::make_unique<loopback::Orthanc>(
            loopback::OrthancOptions{kDemoArchiveUser, kDemoArchivePassword, "ChairSync demo archive"});
    } catch (const std::runtime_error& e) {
        throw Error("The demo's image archive (Orthanc) did not start.", e.what());
    }
    const fs::path credentials = folder / "archive-credentials";
    fsx::write_file_durable(credentials, std::string(kDemoArchiveUser) + ":" + kDemoArchivePassword + "\n");
    opt.archive = dicomweb::ArchiveSetting{ws.archive->dicomweb_url(), credentials, {}, false};
    spdlog::info("demo: image archive {} (Orthanc Explorer {}/app/explorer.html, user {}, password {})",
                 ws.archive->dicomweb_url(), ws.archive->url(), kDemoArchiveUser, kDemoArchivePassword);
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
    if (opt.demo_pacs) start_demo_archive(*ws, opt, opt.store.parent_path() / "demo-server");
    if (opt.workstation.empty()) opt.workstation = "OP-1";
    spdlog::info("demo: store {}, server {}", opt.store.string(), opt.server_url);
    return ws;
}

}  // namespace cs::kiosk
