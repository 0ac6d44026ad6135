// A bounded pool of threads for blocking work (database calls, password hashing) that coroutines
// on the I/O threads `co_await`, so no I/O thread ever blocks.
#pragma once
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace planetude {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : pool_(threads) {}
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `fn` on a pool thread and resumes the caller on its own executor with the result (or
  // the exception `fn` threw). `fn` may return void.
  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&>> run(Fn fn) {
    using Result = std::invoke_result_t<Fn&>;
    if constexpr (std::is_void_v<Result>) {
      co_await run_returning([fn = std::move(fn)]() mutable {
        fn();
        return std::monostate{};
      });
    } else {
      co_return co_await run_returning(std::move(fn));
    }
  }

  // Waits for the work in flight, then lets the threads end.
  void stop() { pool_.join(); }

 private:
  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&>> run_returning(Fn fn) {
    using Result = std::invoke_result_t<Fn&>;
    auto outcome = co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                        void(std::exception_ptr, std::optional<Result>)>(
        [this](auto handler, Fn work) {
          boost::asio::post(pool_, [handler = std::move(handler), work = std::move(work)]() mutable {
            std::exception_ptr error;
            std::optional<Result> result;
            try {
              result.emplace(work());
            } catch (...) {
              error = std::current_exception();
            }
            auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::post(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
              std::move(handler)(error, std::move(result));
            });
          });
        },
        boost::asio::use_awaitable, std::move(fn));
    co_return std::move(*outcome);
  }

  boost::asio::thread_pool pool_;
};

}  // namespace planetude
