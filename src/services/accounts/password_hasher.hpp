// Password hashing with Argon2id (libsodium), OWASP's parameters: 19 MiB, 2 passes.
// Slow on purpose (~20 ms): callers run it on the CPU pool, never on an I/O thread.
#pragma once
#include <string>
#include <string_view>

namespace planetude {

class PasswordHasher {
 public:
  std::string hash(std::string_view password) const;
  bool verify(std::string_view encoded_hash, std::string_view password) const;
  // Spends the same time as a real verification, so a login for an unknown email cannot be told
  // apart from a wrong password by its timing.
  void verify_dummy(std::string_view password) const;
};

}  // namespace planetude
