// Lets one coroutine abort another's call in progress on the same strand: the caller registers
// what to do (close its socket), and `cancel` does it. Used when a student hangs up mid-stream.
#pragma once
#include <functional>

namespace planetude {

class Cancellation {
 public:
  void cancel() {
    cancelled_ = true;
    if (fn_) fn_();
  }
  bool cancelled() const { return cancelled_; }
  void on_cancel(std::function<void()> fn) { fn_ = std::move(fn); }
  void clear() { fn_ = nullptr; }

 private:
  bool cancelled_ = false;
  std::function<void()> fn_;
};

}  // namespace planetude
