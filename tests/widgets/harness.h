// A headless Dear ImGui harness: a context with no backend, frames run on
// demand, touch input injected the way the GLFW backend would deliver it.
// Reusable for screens: give Frame() a lambda that draws the screen.
#pragma once
#include <imgui.h>

#include <functional>
#include <string_view>

namespace cs::ui::test {

class Harness {
public:
    using Ui = std::function<void()>;

    // Fresh context, display size, the default font at 18 px × scale, the theme at scale.
    explicit Harness(float scale = 1.0f, ImVec2 display = ImVec2(1280, 800));
    ~Harness();
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    // One frame with the current input: NewFrame, a full-viewport window
    // ("screen", as the kiosk draws), ui(), End, Render.
    void Frame(const Ui& ui);
    // Frame() without its "screen" window, for code that opens its own
    // full-viewport window (the kiosk's draw_screen): nothing lies over it.
    void OwnWindow(bool own) { own_window_ = own; }
    void Frames(int n, const Ui& ui);
    // Frames until a press would count again (at most two seconds).
    void Settle(const Ui& ui);

    // Gestures, each a few frames running ui every frame. After the finger
    // lifts, the pointer moves off-screen (a touchscreen leaves no hover).
    // Like a person, they first wait until a new screen or dialog takes
    // presses (the tap rule, docs/touch.md).
    void Tap(ImVec2 pos, const Ui& ui);
    // The finger lifts the frame after it last moved (a fling: a touch list
    // glides on), or rests at `to` for `still_frames` frames first (a careful
    // drag: the list stays where the finger left it).
    void Drag(ImVec2 from, ImVec2 to, const Ui& ui, int steps = 10, int still_frames = 0);
    // Taps the centre of the topmost widget recorded with `label` in the last
    // frame; false (and nothing tapped) when no such widget was drawn.
    bool TapLabel(std::string_view label, const Ui& ui);
    // Queues text as hardware-keyboard characters for the next frame.
    void Type(std::string_view utf8);

    // Pointer state for the next frame.
    void Pointer(ImVec2 pos, bool down);
    void LiftPointer();

    float scale() const { return scale_; }
    int frames() const { return frames_; }

private:
    ImGuiContext* ctx_ = nullptr;
    float scale_ = 1.0f;
    int frames_ = 0;
    bool own_window_ = false;
};

}  // namespace cs::ui::test
