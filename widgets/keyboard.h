// The on-screen keyboard: a panel over the lower half of the screen, the
// draft shown large above the keys. Also takes a hardware keyboard's typing.
#pragma once
#include <string>

namespace cs::ui {

// address: lower case unless shifted, with the characters of server
// addresses, folder paths and commands (: / _ . - { }), for set-up.
enum class KeyboardLayout { letters, digits_pin, address };

// Draw every frame while text entry is open. Edits *draft (UTF-8) in place.
// Returns true on the frame Done (or Enter) is tapped; sets *cancelled (when
// given) on the frame Cancel (or Escape) is tapped. digits_pin accepts digits
// only and shows the draft as dots. `prompt` is shown above the draft.
bool OnScreenKeyboard(const char* id, std::string* draft, KeyboardLayout layout = KeyboardLayout::letters,
                      bool* cancelled = nullptr, const char* prompt = nullptr);

// Removes the last UTF-8 code point of s (backspace).
void EraseLastCodePoint(std::string* s);
// Appends code point c as UTF-8.
void AppendCodePoint(std::string* s, unsigned int c);

}  // namespace cs::ui
