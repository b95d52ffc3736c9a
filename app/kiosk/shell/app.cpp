#include "app/kiosk/shell/app.h"

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <iostream>

#include "app/kiosk/automation/automation.h"
#include "app/kiosk/screens/chrome.h"
#include "app/kiosk/worker/demo_workspace.h"
#include "app/kiosk/automation/frame_bench.h"
#include "app/kiosk/shell/inactivity.h"
#include "app/kiosk/screens/wizard.h"
#include "app/kiosk/shell/main_thread_queue.h"
#include "app/kiosk/shell/window.h"
#include "engine/util/error.h"
#include "widgets/controls.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

constexpr uint64_t kTextureBudget = 256ull << 20;  // bytes of thumbnails kept on the GPU
constexpr int kUploadsPerFrame = 4;
constexpr size_t kTasksPerFrame = 16;
constexpr double kIdleWait = 0.5;  // seconds between frames when nothing moves
constexpr double kAnimationWait = 1.0 / 30;  // while a spinner turns
constexpr int kSettleFrames = 3;   // frames drawn after anything changed (ImGui lays out a frame late)

EngineOptions engine_options(const Config& cfg) {
    EngineOptions o;
    if (!cfg.settings_problem.empty()) return o;  // setup says so; nothing runs on half of the settings
    o.store = cfg.store;
    o.server_url = cfg.server;
    o.ca_file = cfg.ca_file;  // the settings' ca_file (docs/setup.md), as chairsync-cli's --ca-file
    o.archive = cfg.archive;
    o.workstation = cfg.workstation;
    o.location = cfg.location;
    o.recovery = cfg.recovery.string();
    o.thumbnail_cache = cfg.thumbnail_cache;
    o.proceed_command = cfg.proceed_command;
    o.patient = cfg.patient;
    if (cfg.demo) {
        o.prepare = prepare_demo_workspace;
        o.auto_user = "demo";  // a newcomer sees Home at once (docs/demo-practice.md)
        o.auto_pin = "1234";
        o.demo_server_delay = cfg.demo_server_delay;
        o.demo_pacs = cfg.demo_pacs;
    }
    return o;
}

class App {
public:
    // `reread` gives the configuration again, from the settings files as they
    // are now and the same flags: first-run setup's Start ChairSync.
    App(Config cfg, std::function<Config()> reread)
        : cfg_(std::move(cfg)),
          reread_(std::move(reread)),
          window_(WindowOptions{cfg_.width, cfg_.height, cfg_.fullscreen, cfg_.bench_frames.empty(),
                                !cfg_.triangle_fills}),
          queue_(&Window::wake),
          textures_(kTextureBudget, kUploadsPerFrame) {
        int fb_w = 0, fb_h = 0;
        window_.framebuffer_size(fb_w, fb_h);
        float scale = choose_scale(window_.content_scale(), cfg_.scale, fb_w, fb_h);
        spdlog::info("scale {:.2f} for a {}x{} window", scale, fb_w, fb_h);
        fonts_ = load_fonts(scale);
        ui::ApplyTheme(scale);
        ui::SetHeadingFont(fonts_.heading);
        if (!fonts_.real_font) spdlog::warn("DejaVu Sans not found; using ImGui's built-in font");
        start_worker();
        automation_ = std::make_unique<Automation>(cfg_);
        bench_.watch(&worker_->thumbnail_activity());
    }

    int loop() {
        std::optional<int> exit_code;
        while (!window_.should_close() && !exit_code) {
            if (settle_ > 0 || automation_->active())
                glfwPollEvents();
            else
                glfwWaitEventsTimeout(animating_ ? kAnimationWait : kIdleWait);
            exit_code = frame();
        }
        bench_.write();  // --bench-frames
        return exit_code.value_or(0);
    }

private:
    // The engine worker on cfg_, and the first screen: Sign-in, or setup when nothing is configured.
    void start_worker() {
        worker_.reset();  // the old one stops first: one worker holds the store at a time
        worker_ = std::make_unique<EngineWorker>(
            engine_options(cfg_), &Window::wake,
            [this](const std::string& key, GrayOrRgba8Image px, std::string error) {
                // A pool thread: hand the pixels to the main thread, which makes the texture.
                queue_.post([this, key, px = std::move(px), error = std::move(error)]() mutable {
                    if (error.empty())
                        textures_.deliver(key, std::move(px));
                    else
                        textures_.deliver_failure(key, std::move(error));
                });
            });
        current_ = cfg_.configured() ? ScreenId::sign_in : ScreenId::first_run;
        screen_ = make_screen(current_);
        cover_.reset();
        inactivity_ = InactivityTimer{cfg_.signout_minutes * 60.0};
        last_version_ = 0;
        screen_visit_ = 0;
        screen_fresh_ = true;
        settle_ = kSettleFrames;
    }

    std::optional<int> frame() {
        bench_.begin_frame();  // the whole frame: queued tasks and texture uploads first
        if (queue_.run_pending(kTasksPerFrame) > 0) settle_ = kSettleFrames;
        textures_.begin_frame();
        const int uploaded = textures_.upload_pending();
        if (uploaded > 0) settle_ = kSettleFrames;
        bench_.uploads_done(uploaded, textures_.last_upload_bytes());
        bench_.texture_bytes(textures_.lru().used_bytes(), textures_.lru().budget_bytes());

        std::shared_ptr<const Snapshot> snap = worker_->snapshot();  // once per frame
        const Snapshot& s = *snap;
        if (s.version != last_version_) settle_ = kSettleFrames;
        last_version_ = s.version;

        bench_.begin_build();  // the frame's build: NewFrame -> RenderDrawData
        ImGui_ImplOpenGL3_NewFrame();
        window_.new_frame();  // ImGui_ImplGlfw_NewFrame without its round trips to the X server
        bench_.backends_done();
        automation_->before_new_frame(ImGui::GetIO());  // after the backend wrote the real mouse
        ImGui::NewFrame();
        ImGuiIO& io = ImGui::GetIO();
        if (ImGui::IsAnyMouseDown() || io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 ||
            !io.InputQueueCharacters.empty()) {
            settle_ = kSettleFrames;
            inactivity_.touch(ImGui::GetTime());
        }
        if (!s.signed_in) inactivity_.touch(ImGui::GetTime());
        // The inactivity sign-out (docs/sync-workflow.md, "Privacy cover"): the cover hides everything
        // now, while a sync under way goes on; the worker signs out when it
        // has ended, and Sign-in then lifts the cover (docs/sync-workflow.md
        // "Privacy cover").
        if (inactivity_.expired(ImGui::GetTime())) {
            worker_->send(cmd::SignOut{.for_inactivity = true});
            cover_ = make_screen(ScreenId::privacy_cover);
            screen_fresh_ = true;
        }
        if (cover_ && !s.signed_in) {
            cover_.reset();
            screen_fresh_ = true;
        }
        // Spinners turn: keep drawing, slowly, without counting as a change.
        animating_ = !s.busy.empty() || !s.store_loaded || s.server == ServerStatus::checking;

        // The tap rule (docs/touch.md): a new screen takes no press from the
        // last one, and none in its first moment.
        if (screen_fresh_) ui::SurfaceAppeared();
        screen_fresh_ = false;
        // A screen the workflow still wants is drawn for its place now; one
        // about to be replaced keeps the place it was made for, so a tap on it
        // is dropped by the worker instead of applied to the next place.
        std::optional<ScreenId> want = route(s, current_);
        if (!want) screen_visit_ = s.visit;
        Frame f{s, *worker_, textures_, fonts_, cfg_, nav_, screen_visit_};
        draw_screen(f, cover_ ? *cover_ : *screen_);
        if (ui::TouchListsMoving()) settle_ = kSettleFrames;  // a flung list glides on: keep drawing
        // The thumbnails on screen first, none for rows gone by, one thread
        // while a list moves (app/kiosk/worker/thumbnail_pool.h).
        for (const std::string& key :
             worker_->want_thumbnails(textures_.waiting_this_frame(), ui::TouchListsScrolling()))
            textures_.withdraw(key);
        ImGui::Render();

        int w = 0, h = 0;
        window_.framebuffer_size(w, h);
        glViewport(0, 0, w, h);
        const ImVec4 bg = ui::Colors().background;
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        bench_.begin_render();
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        bench_.end_build(io.MouseDown[0], io.MouseDelta.x != 0 || io.MouseDelta.y != 0);
        bench_.thumbnails_on_screen(textures_.shown_this_frame(), int(textures_.waiting_this_frame().size()),
                                    textures_.idle() && queue_.size() == 0);
        bool settled = settle_ == 0 && textures_.idle() && queue_.size() == 0 && s.store_loaded && s.busy.empty();
        std::optional<int> exit_code = automation_->after_render(w, h, settled);  // reads the back buffer
        // The bench waits for the driver to finish drawing, so that the whole
        // frame includes the rasterizing (llvmpipe's threads under Xvfb),
        // timed apart from the swap (a script's screenshot above is not part
        // of any frame a person sees).
        bench_.begin_raster();
        if (bench_.enabled()) glFinish();
        bench_.begin_swap();
        glfwSwapBuffers(window_.handle());
        if (bench_.enabled()) glFinish();
        bench_.end_frame();

        if (nav_.take_start_again()) {  // first-run setup saved the settings: start on them
            spdlog::info("starting again on the settings just saved");
            cfg_ = reread_();
            start_worker();
            return exit_code;
        }
        if (!nav_.has_next() && want) nav_.go(*want);  // the workflow's step decides
        if (nav_.has_next()) {
            current_ = nav_.take();
            screen_ = make_screen(current_);
            screen_visit_ = s.visit;
            screen_fresh_ = true;
            settle_ = kSettleFrames;
        }
        if (settle_ > 0) --settle_;
        return exit_code;
    }

    Config cfg_;
    std::function<Config()> reread_;
    Window window_;  // first: destroyed last (the GL context outlives textures)
    Fonts fonts_;
    MainThreadQueue queue_;
    TextureCache textures_;
    std::unique_ptr<EngineWorker> worker_;  // after queue_/textures_: stopped before them
    std::unique_ptr<Screen> screen_;
    std::unique_ptr<Screen> cover_;  // the privacy cover, from the inactivity limit until signed out
    Navigator nav_;
    ScreenId current_ = ScreenId::first_run;
    InactivityTimer inactivity_{cfg_.signout_minutes * 60.0};
    std::unique_ptr<Automation> automation_;
    FrameBench bench_{cfg_.bench_frames};
    uint64_t last_version_ = 0;
    uint64_t screen_visit_ = 0;  // the Snapshot::visit the current screen is drawn for
    bool screen_fresh_ = true;   // not drawn yet
    int settle_ = kSettleFrames;  // frames still to draw after a change
    bool animating_ = false;
};

}  // namespace

int run(int argc, char** argv) {
    try {
        ParseResult parsed = parse_command_line(argc, argv);
        if (parsed.exit_code) return *parsed.exit_code;
        App app(std::move(parsed.config), [argc, argv] {
            ParseResult again = parse_command_line(argc, argv);  // the same flags: accepted the first time
            if (again.exit_code) throw Error("ChairSync could not start again on its settings.", "flags refused");
            return std::move(again.config);
        });
        return app.loop();
    } catch (const Error& e) {
        spdlog::error("{}", e.detail());
        std::cerr << e.what() << "\n";
        return 1;
    }
}

}  // namespace cs::kiosk
