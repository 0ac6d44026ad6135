// Runs a coroutine to completion on a private io_context, for tests of asynchronous code: the
// awaitable's result is returned and its exception rethrown.
#pragma once
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <type_traits>
#include <utility>

namespace planetude::testing {

template <class T>
T run_async(boost::asio::awaitable<T> work) {
  boost::asio::io_context ioc;
  auto result = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
  ioc.run();
  return result.get();
}

}  // namespace planetude::testing
