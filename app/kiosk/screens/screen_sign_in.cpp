// Sign-in (docs/sync-workflow.md, "Offline use"): tap a user who signed in here before or type a
// user name on the on-screen keyboard, then the PIN on the keypad. A typed
// name stays offered after a sign-in that failed, and while the server does
// not answer the PIN of one's last sign-in here opens Preview and the
// Recovery folder (docs/sync-workflow.md "Offline use").
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/keyboard.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct SignInScreen final : Screen {
    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        if (!s.busy.empty() || !s.store_loaded) {
            busy_line(s.busy.empty() ? "Opening the offline store…" : s.busy.c_str());
            return;
        }
        error_banner(f);
        page_title(f, "Who is signing in?");
        ui::TextMuted("Tap your name, or tap Another User to type it. Then enter your PIN.");
        if (s.server == ServerStatus::offline)
            ui::TextWrapped("The practice server does not answer. Your PIN still opens Preview and the Recovery "
                            "folder on this computer if you signed in here before.");
        ImGui::Spacing();
        bool typed_known = false;
        for (const auto& u : s.known_users) {
            typed_known = typed_known || u == user_;
            if (ui::BigButton(u.c_str(), ui::ButtonKind::secondary, ImVec2(ui::Em(18), 0))) choose(u);
        }
        // The name typed for a sign-in that did not succeed: not typed again.
        if (!user_.empty() && !typed_known &&
            ui::BigButton(user_.c_str(), ui::ButtonKind::secondary, ImVec2(ui::Em(18), 0)))
            choose(user_);
        if (ui::BigButton("Another User", ui::ButtonKind::quiet, ImVec2(ui::Em(18), 0))) {
            draft_.clear();
            mode_ = Mode::user;
        }
        if (mode_ == Mode::user) {
            bool cancelled = false;
            if (ui::OnScreenKeyboard("##user", &draft_, ui::KeyboardLayout::letters, &cancelled, "Your user name")) {
                if (!draft_.empty()) choose(draft_);
            } else if (cancelled) {
                mode_ = Mode::pick;
            }
        } else if (mode_ == Mode::pin) {
            bool cancelled = false;
            std::string prompt = "PIN for " + user_;
            if (ui::OnScreenKeyboard("##pin", &pin_, ui::KeyboardLayout::digits_pin, &cancelled, prompt.c_str())) {
                f.act(cmd::SignIn{user_, pin_});
                pin_.clear();
                mode_ = Mode::pick;
            } else if (cancelled) {
                pin_.clear();
                mode_ = Mode::pick;
            }
        }
    }

private:
    enum class Mode { pick, user, pin };
    void choose(const std::string& user) {
        user_ = user;
        pin_.clear();
        mode_ = Mode::pin;
    }
    Mode mode_ = Mode::pick;
    std::string draft_, user_, pin_;
};

}  // namespace

std::unique_ptr<Screen> make_sign_in_screen() { return std::make_unique<SignInScreen>(); }

}  // namespace cs::kiosk
