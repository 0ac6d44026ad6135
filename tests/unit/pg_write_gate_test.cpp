// store_pg/write_gate: first attempts run side by side; a retried write runs alone: never while
// another write of the process is inside, and none enters while it is.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "store_pg/write_gate.hpp"

using planetude::store::pg::WriteGate;

TEST(PgWriteGate, FirstAttemptsRunSideBySide) {
  WriteGate gate;
  std::latch both_inside(2);
  auto run = [&] {
    WriteGate::Pass pass(gate, false);
    both_inside.arrive_and_wait();  // returns only once the other is inside too
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
}

TEST(PgWriteGate, ARetryNeverOverlapsAnotherWrite) {
  WriteGate gate;
  std::atomic<int> side_by_side{0};
  std::atomic<int> alone{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> alone_runs{0};
  std::latch start(6);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < 300; ++i) {
        bool retry = (i + t) % 5 == 0;
        WriteGate::Pass pass(gate, retry);
        if (retry) {
          if (alone.fetch_add(1) != 0 || side_by_side.load() != 0) ++overlaps;
          ++alone_runs;
          std::this_thread::yield();
          alone.fetch_sub(1);
        } else {
          side_by_side.fetch_add(1);
          if (alone.load() != 0) ++overlaps;
          std::this_thread::yield();
          side_by_side.fetch_sub(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(alone_runs.load(), 6 * 60);
}
