// What the service tests share: the error a coroutine throws, instants written as RFC 3339 text,
// and a user record to store.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

#include "core/datetime.hpp"
#include "store/records.hpp"
#include "support/run_async.hpp"

namespace planetude::testing {

// Runs `work` and returns the E it throws; any other outcome fails the test.
template <class E, class T>
E error_of(boost::asio::awaitable<T> work) {
  try {
    run_async(std::move(work));
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    throw;
  }
  ADD_FAILURE() << "no exception";
  throw std::runtime_error("no exception");
}

// Milliseconds since the epoch of an RFC 3339 date-time with an offset.
inline std::int64_t at(const char* text) { return datetime::parse_datetime(text).value(); }

// A user of Paris with a placeholder password hash (services that check passwords make their own).
inline store::UserRecord user(std::string id, std::string email) {
  store::UserRecord u;
  u.id = std::move(id);
  u.email = std::move(email);
  u.password_hash = "x";
  u.name = "Élève";
  u.timezone = "Europe/Paris";
  return u;
}

}  // namespace planetude::testing
