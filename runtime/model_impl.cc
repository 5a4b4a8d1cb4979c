#include "runtime/model_impl.h"

namespace braid::runtime {

IoInfo DescribeValue(const graph::Value& value) {
  IoInfo info;
  info.name = value.name();
  info.type = value.type().ToString();
  info.dtype = value.type().ScalarType();
  if (value.type().has_rank()) {
    info.rank_known = true;
    for (const graph::Dim& d : *value.type().shape) info.dims.push_back(d.is_known() ? d.value : -1);
  }
  info.has_default = value.initializer() != nullptr;
  return info;
}

ModelImpl::ModelImpl(std::shared_ptr<const graph::Graph> graph, std::map<std::string, std::string> metadata)
    : graph_(std::move(graph)), metadata_(std::move(metadata)) {
  for (const graph::Value* v : graph_->inputs()) inputs_.push_back(DescribeValue(*v));
  for (const graph::Value* v : graph_->outputs()) outputs_.push_back(DescribeValue(*v));
}

}  // namespace braid::runtime
