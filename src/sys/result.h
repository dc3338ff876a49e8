// Result<T>: a value or an Error, the one error style of this project.
// GCC 12 has no std::expected; this is the few dozen lines we need of it.
// An Error says what went wrong for a person (message) and what kind of failure it is for
// the program (code): the CLI turns the code into its exit code, in one place.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace uc {

enum class ErrorCode {
  kFailed,       // the operation was tried and did not work (exit 1)
  kBadInput,     // the user's arguments or files are wrong: nothing was tried (exit 2)
  kCannotRun,    // exec: umlcluster could not run the command at all (exit 125)
  kInterrupted,  // stopped by a signal (Ctrl-C) part-way (exit 130)
};

struct Error {
  std::string message;
  ErrorCode code = ErrorCode::kFailed;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error err(std::string msg) { return Error{std::move(msg)}; }
inline Error bad_input(std::string msg) { return Error{std::move(msg), ErrorCode::kBadInput}; }
inline Error interrupted(std::string msg) { return Error{std::move(msg), ErrorCode::kInterrupted}; }
// The same error as another kind of failure (e.g. any failure to start `exec` is kCannotRun).
inline Error recoded(Error e, ErrorCode code) {
  e.code = code;
  return e;
}

// Error from errno: "what: strerror(errno)".
Error errno_error(const std::string& what);
Error errno_error(const std::string& what, int errnum);

}  // namespace uc

// Propagate an error from an expression yielding Result/Status.
#define UC_TRY(expr)                               \
  do {                                             \
    auto&& uc_try_r_ = (expr);                     \
    if (!uc_try_r_.ok()) return uc_try_r_.error(); \
  } while (0)
