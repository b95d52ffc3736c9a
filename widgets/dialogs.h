// Confirm dialogs (a panel over the dimmed screen) and toasts (timed
// messages at the bottom that need no answer).
#pragma once
#include <string>
#include <vector>

#include "widgets/controls.h"

namespace cs::ui {

enum class DialogResult { none, confirmed, cancelled };

// Draw every frame while the question is open; close it when the result is
// not none. The message wraps; say what will happen and how to undo it.
DialogResult ConfirmDialog(const char* id, const char* title, const char* message, const char* confirm_label,
                           const char* cancel_label = "Cancel", ButtonKind confirm_kind = ButtonKind::primary);

enum class ToastKind { info, success, error };

// Queues a message shown for `seconds` (of ImGui time) once drawing starts.
void ShowToast(std::string message, ToastKind kind = ToastKind::info, float seconds = 4.0f);
// Draws the toasts on top of everything, `bottom_margin` pixels above the
// bottom edge (leave the bottom bar visible). Call once per frame.
void DrawToasts(float bottom_margin = 0.0f);
// Messages currently queued or shown, oldest first (for tests and scripts).
std::vector<std::string> ToastMessages();
void ClearToasts();

}  // namespace cs::ui
