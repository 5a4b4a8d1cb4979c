// Early-return helpers for absl::Status / absl::StatusOr.
#ifndef BRAID_STATUS_MACROS_H_
#define BRAID_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BRAID_CONCAT_INNER_(a, b) a##b
#define BRAID_CONCAT_(a, b) BRAID_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
// Variadic so that expressions with top-level commas (lambdas, templates)
// need no extra parentheses.
#define BRAID_RETURN_IF_ERROR(...)                  \
  do {                                              \
    ::absl::Status braid_status_ = (__VA_ARGS__);   \
    if (!braid_status_.ok()) return braid_status_;  \
  } while (0)

// BRAID_ASSIGN_OR_RETURN(auto x, StatusOrExpr()); declares/assigns `x` or
// returns the error from the enclosing function.
// Expands to several statements: inside an unbraced if/for body, add braces.
#define BRAID_ASSIGN_OR_RETURN(lhs, ...) \
  BRAID_ASSIGN_OR_RETURN_IMPL_(BRAID_CONCAT_(braid_statusor_, __LINE__), lhs, __VA_ARGS__)
#define BRAID_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, ...) \
  auto tmp = (__VA_ARGS__);                         \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // BRAID_STATUS_MACROS_H_
