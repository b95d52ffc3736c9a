#include "app/kiosk/worker/demo_workspace.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "engine/demo/synthetic_images.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "server/practice_server.h"

#if __has_include("engine/demo/demo_store.h")
#include "engine/demo/demo_store.h"
#define CHAIRSYNC_HAVE_DEMO_STORE 1
#endif

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

#ifndef CHAIRSYNC_HAVE_DEMO_STORE
// Interim, until engine/demo's build_demo_store lands: the offline patients of
// docs/demo-practice.md with small synthetic images.
void capture_demo_patients(const fs::path& store_dir) {
    using demo::SyntheticKind;
    struct Proc {
        const char* code;
        const char* name;
        SyntheticKind kind;
        int images;
    };
    struct Patient {
        const char *first, *last, *birth;
        std::vector<Proc> procs;
    };
    const std::vector<Patient> patients = {
        {"Maria", "LÓPEZ", "1984-03-09",
         {{"D0274", "Bitewings - four radiographic images", SyntheticKind::bitewing, 4},
          {"D0350", "2D oral/facial photographic image", SyntheticKind::photo, 2}}},
        {"James", "Taylor", "1962-01-30",
         {{"D0220", "Intraoral - periapical first radiographic image", SyntheticKind::periapical, 1}}},
        {"Olivia", "Chen", "1999-12-05", {{"D0330", "Panoramic radiographic image", SyntheticKind::panoramic, 1}}},
        {"Liam", "Murphy", "2018-04-22",
         {{"D0272", "Bitewings - two radiographic images", SyntheticKind::bitewing, 2}}},
        {"Noah", "Patel", "1979-08-14",
         {{"D0230", "Intraoral - periapical each additional radiographic image", SyntheticKind::periapical, 1},
          {"D0274", "Bitewings - four radiographic images", SyntheticKind::bitewing, 4}}},
        {"Sophia", "Garcia", "", {{"D0350", "2D oral/facial photographic image", SyntheticKind::photo, 1}}},
        {"Zoë", "O'Brien", "1988-10-10",
         {{"D0220", "Intraoral - periapical first radiographic image", SyntheticKind::periapical, 1}}},
    };
    OfflineStore store(store_dir);
    store.set_setting(kSettingLocationId, "loc-1");
    fs::path incoming = store_dir / "incoming";
    fs::create_directories(incoming);
    uint64_t seed = 1;
    for (const auto& p : patients) {
        for (const auto& proc : p.procs) {
            CaptureRequest req{p.first, p.last, p.birth, proc.code, proc.name, "loc-1", {}, {}};
            for (int i = 0; i < proc.images; ++i) {
                demo::SyntheticSpec spec{proc.kind, seed++, 0.4};
                fs::path f = incoming / ("img" + std::to_string(seed) + demo::synthetic_extension(proc.kind));
                fsx::write_file_durable(f, demo::make_synthetic_file(spec));
                req.images.push_back({f, proc.kind == SyntheticKind::photo ? ImageKind::photo : ImageKind::radiograph});
            }
            store.capture(req);
        }
    }
    fs::remove_all(incoming);
}
#endif

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

void build_demo_offline_store(const fs::path& store_dir) {
#ifdef CHAIRSYNC_HAVE_DEMO_STORE
    demo::build_demo_store(store_dir, {});
#else
    capture_demo_patients(store_dir);
#endif
}

std::shared_ptr<void> prepare_demo_workspace(EngineOptions& opt) {
    auto ws = std::make_shared<DemoWorkspace>();
    if (opt.store.empty()) {
        ws->temp_root = make_temp_root();
        opt.store = ws->temp_root / "store";
    }
    if (!fs::exists(opt.store / "store.db")) build_demo_offline_store(opt.store);

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
