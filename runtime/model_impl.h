// Model: an imported, immutable graph plus its declared inputs and outputs.
#ifndef BRAID_RUNTIME_MODEL_IMPL_H_
#define BRAID_RUNTIME_MODEL_IMPL_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "braid/runtime.h"
#include "graph/graph.h"

namespace braid::runtime {

// The IoInfo describing a graph value.
IoInfo DescribeValue(const graph::Value& value);

class ModelImpl : public Model {
 public:
  ModelImpl(std::shared_ptr<const graph::Graph> graph, std::map<std::string, std::string> metadata);

  const graph::Graph& graph() const override { return *graph_; }
  const std::shared_ptr<const graph::Graph>& shared_graph() const { return graph_; }
  const std::vector<IoInfo>& inputs() const override { return inputs_; }
  const std::vector<IoInfo>& outputs() const override { return outputs_; }
  const std::map<std::string, std::string>& metadata() const override { return metadata_; }

 private:
  std::shared_ptr<const graph::Graph> graph_;
  std::vector<IoInfo> inputs_;
  std::vector<IoInfo> outputs_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_MODEL_IMPL_H_
