// Lets this process's PostgreSQL writes run side by side, except a write that already lost a
// race (40001, 40P01): that one runs again alone (writes arriving meanwhile wait for it). Writes
// of one hot row (a student's data version, bumped by every write of theirs) then take turns
// instead of failing each other until their attempts run out. Only writes of other instances can
// still make a retry fail.
#pragma once
#include <condition_variable>
#include <mutex>

namespace planetude::store::pg {

class WriteGate {
 public:
  class Pass {
   public:
    Pass(WriteGate& gate, bool alone) : gate_(gate), alone_(alone) { gate_.enter(alone_); }
    ~Pass() { gate_.leave(alone_); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    WriteGate& gate_;
    bool alone_;
  };

 private:
  void enter(bool alone) {
    std::unique_lock lock(mu_);
    if (!alone) {
      cv_.wait(lock, [&] { return !alone_now_ && waiting_alone_ == 0; });
      ++side_by_side_;
      return;
    }
    ++waiting_alone_;
    cv_.wait(lock, [&] { return !alone_now_ && side_by_side_ == 0; });
    --waiting_alone_;
    alone_now_ = true;
  }
  void leave(bool alone) {
    {
      std::lock_guard lock(mu_);
      if (alone) alone_now_ = false;
      else --side_by_side_;
    }
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int side_by_side_ = 0;   // writes running together
  int waiting_alone_ = 0;  // retried writes waiting for their turn
  bool alone_now_ = false;
};

}  // namespace planetude::store::pg
