#include "backends/cpu/kernels/nn/fused_activation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace braid::backends::cpu {

absl::StatusOr<FusedActivation> FusedActivation::Parse(const KernelInit& init) {
  FusedActivation act;
  BRAID_ASSIGN_OR_RETURN(std::string name, init.GetString("activation", std::string()));
  BRAID_ASSIGN_OR_RETURN(std::vector<float> params, init.GetFloats("activation_params", std::vector<float>{}));
  auto need = [&](size_t n) -> absl::Status {
    if (params.size() < n) {
      return init.Error(absl::StrCat("activation '", name, "' needs ", n, " activation_params, got ", params.size()));
    }
    return absl::OkStatus();
  };
  if (name.empty()) {
    act.kind = Kind::kNone;
  } else if (name == "Relu") {
    act.kind = Kind::kRelu;
  } else if (name == "LeakyRelu") {
    act.kind = Kind::kLeakyRelu;
    act.alpha = params.empty() ? 0.01f : params[0];
  } else if (name == "Sigmoid") {
    act.kind = Kind::kSigmoid;
  } else if (name == "Tanh") {
    act.kind = Kind::kTanh;
  } else if (name == "Clip") {
    act.kind = Kind::kClip;
    act.alpha = params.size() > 0 ? params[0] : -std::numeric_limits<float>::infinity();
    act.beta = params.size() > 1 ? params[1] : std::numeric_limits<float>::infinity();
  } else if (name == "HardSigmoid") {
    BRAID_RETURN_IF_ERROR(need(2));
    act.kind = Kind::kHardSigmoid;
    act.alpha = params[0];
    act.beta = params[1];
  } else {
    return init.Error(absl::StrCat("unsupported fused activation '", name, "'"));
  }
  return act;
}

void FusedActivation::AppendPostOps(dnnl::post_ops& ops) const {
  using A = dnnl::algorithm;
  switch (kind) {
    case Kind::kNone:
      break;
    case Kind::kRelu:
      ops.append_eltwise(1.0f, A::eltwise_relu, 0.0f, 0.0f);
      break;
    case Kind::kLeakyRelu:
      ops.append_eltwise(1.0f, A::eltwise_relu, alpha, 0.0f);
      break;
    case Kind::kSigmoid:
      ops.append_eltwise(1.0f, A::eltwise_logistic, 0.0f, 0.0f);
      break;
    case Kind::kTanh:
      ops.append_eltwise(1.0f, A::eltwise_tanh, 0.0f, 0.0f);
      break;
    case Kind::kClip:
      ops.append_eltwise(1.0f, A::eltwise_clip_v2, alpha, beta);
      break;
    case Kind::kHardSigmoid:
      ops.append_eltwise(1.0f, A::eltwise_linear, alpha, beta);
      ops.append_eltwise(1.0f, A::eltwise_clip_v2, 0.0f, 1.0f);
      break;
  }
}

float FusedActivation::ApplyOne(float x) const {
  switch (kind) {
    case Kind::kNone:
      return x;
    case Kind::kRelu:
      return x > 0.0f ? x : 0.0f;
    case Kind::kLeakyRelu:
      return x >= 0.0f ? x : alpha * x;
    case Kind::kSigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case Kind::kTanh:
      return std::tanh(x);
    case Kind::kClip:
      return std::min(std::max(x, alpha), beta);
    case Kind::kHardSigmoid:
      return std::min(std::max(alpha * x + beta, 0.0f), 1.0f);
  }
  return x;
}

void FusedActivation::Apply(float* data, int64_t n) const {
  switch (kind) {
    case Kind::kNone:
      return;
    case Kind::kRelu:
      for (int64_t i = 0; i < n; ++i) data[i] = data[i] > 0.0f ? data[i] : 0.0f;
      return;
    case Kind::kClip:
      for (int64_t i = 0; i < n; ++i) data[i] = std::min(std::max(data[i], alpha), beta);
      return;
    default:
      for (int64_t i = 0; i < n; ++i) data[i] = ApplyOne(data[i]);
  }
}

}  // namespace braid::backends::cpu
