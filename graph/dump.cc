#include "graph/dump.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace braid::graph {

std::string DumpGraph(const Graph& graph, int indent) {
  std::string pad(indent, ' ');
  std::string out = absl::StrCat(pad, "graph ", graph.name().empty() ? "<unnamed>" : graph.name(), " {\n");
  for (const Value* v : graph.inputs()) {
    absl::StrAppend(&out, pad, "  input %", v->name(), ": ", v->type().ToString(),
                    v->initializer() ? " (has default)" : "", "\n");
  }
  for (const Value* v : graph.captures()) {
    absl::StrAppend(&out, pad, "  capture %", v->name(), ": ", v->type().ToString(), "\n");
  }
  std::vector<Value*> inits = graph.Initializers();
  int64_t init_bytes = 0;
  for (const Value* v : inits) init_bytes += static_cast<int64_t>(v->initializer()->byte_size());
  if (!inits.empty()) {
    absl::StrAppend(&out, pad, "  ", inits.size(), " initializers, ", init_bytes, " bytes\n");
  }
  for (const Node* n : graph.nodes()) {
    std::vector<std::string> outs, ins, attrs;
    for (const Value* v : n->outputs()) outs.push_back(absl::StrCat("%", v->name(), ": ", v->type().ToString()));
    for (const Value* v : n->inputs()) ins.push_back(v == nullptr ? "_" : absl::StrCat("%", v->name()));
    for (const auto& [name, a] : n->attributes()) attrs.push_back(absl::StrCat(name, "=", a.ToString()));
    absl::StrAppend(&out, pad, "  ", absl::StrJoin(outs, ", "), " = ", n->QualifiedOpType(), "(",
                    absl::StrJoin(ins, ", "), ")");
    if (!attrs.empty()) absl::StrAppend(&out, " {", absl::StrJoin(attrs, ", "), "}");
    absl::StrAppend(&out, "  # ", n->name(), "\n");
    for (const Graph* sub : n->Subgraphs()) absl::StrAppend(&out, DumpGraph(*sub, indent + 4));
  }
  std::vector<std::string> outs;
  for (const Value* v : graph.outputs()) outs.push_back(absl::StrCat("%", v->name()));
  absl::StrAppend(&out, pad, "  return ", absl::StrJoin(outs, ", "), "\n", pad, "}\n");
  return out;
}

std::map<std::string, int> OpHistogram(const Graph& graph) {
  std::map<std::string, int> counts;
  for (const Node* n : graph.nodes()) {
    ++counts[n->QualifiedOpType()];
    for (const Graph* sub : n->Subgraphs()) {
      for (const auto& [op, c] : OpHistogram(*sub)) counts[op] += c;
    }
  }
  return counts;
}

}  // namespace braid::graph
