// Output comparison for conformance runs.
#ifndef BRAID_TOOLS_CONFORMANCE_COMPARE_H_
#define BRAID_TOOLS_CONFORMANCE_COMPARE_H_

#include <string>

#include "braid/value.h"

namespace braid::tools {

// "" when `actual` matches `expected`, else the first difference: kind,
// dtype, shape, or an element outside atol + rtol * |expected| (NaN
// matches NaN, infinities must match exactly; integers, bools and strings
// must be equal).
std::string CompareValues(const Value& actual, const Value& expected, double rtol, double atol);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_CONFORMANCE_COMPARE_H_
