// Umbrella header of the Braid public C++ API.
#ifndef BRAID_BRAID_H_
#define BRAID_BRAID_H_

#include "braid/backend.h"    // IWYU pragma: export
#include "braid/data_type.h"  // IWYU pragma: export
#include "braid/runtime.h"    // IWYU pragma: export
#include "braid/tensor.h"     // IWYU pragma: export
#include "braid/value.h"      // IWYU pragma: export

#endif  // BRAID_BRAID_H_
