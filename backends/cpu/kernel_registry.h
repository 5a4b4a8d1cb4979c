// Which CPU kernels exist, for which op versions and element types.
// Filled explicitly at start-up (RegisterAllKernels), read-only afterwards,
// so concurrent lookups are safe.
#ifndef BRAID_BACKENDS_CPU_KERNEL_REGISTRY_H_
#define BRAID_BACKENDS_CPU_KERNEL_REGISTRY_H_

#include <climits>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "backends/cpu/kernel.h"
#include "graph/graph.h"

namespace braid::backends::cpu {

struct KernelDef {
  std::string op_type;
  std::string domain;          // "" = default ONNX domain
  int since_version = 1;       // first opset this kernel implements
  int end_version = INT_MAX;   // last opset (inclusive)
  // Element types accepted for the type-constrained input `type_input`
  // (empty = any). Checked against static types when they are known and
  // against run-time tensors by the kernel itself.
  std::vector<DataType> types;
  int type_input = 0;
  KernelFactory factory;
};

class KernelRegistry {
 public:
  void Register(KernelDef def);

  // Registers `factory` for op_type over [since, end] (default domain, any type).
  void Add(std::string op_type, int since, int end, KernelFactory factory) {
    Register(KernelDef{std::move(op_type), "", since, end, {}, 0, std::move(factory)});
  }
  void Add(std::string op_type, KernelFactory factory) { Add(std::move(op_type), 1, INT_MAX, std::move(factory)); }

  // The kernel for a node, or an Unimplemented status naming op, domain,
  // opset and, when a version exists but not for this type, the type.
  absl::StatusOr<const KernelDef*> Find(const graph::Node& node) const;
  // Whether any kernel covers (domain, op_type, opset), regardless of types.
  bool HasKernel(const std::string& domain, const std::string& op_type, int opset) const;
  // Number of distinct (domain, op) pairs with a kernel.
  size_t num_ops() const { return defs_.size(); }
  // All registered (domain, op) pairs, sorted.
  std::vector<std::pair<std::string, std::string>> Ops() const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<KernelDef>> defs_;
};

// Registers every CPU kernel (the explicit list lives in kernels/register_all.cc).
void RegisterAllKernels(KernelRegistry& registry);

// The process-wide registry with all CPU kernels, built on first use.
const KernelRegistry& CpuKernelRegistry();

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNEL_REGISTRY_H_
