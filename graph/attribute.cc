#include "graph/attribute.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/graph.h"

namespace braid::graph {

const char* AttributeKindName(Attribute::Kind kind) {
  switch (kind) {
    case Attribute::Kind::kFloat: return "float";
    case Attribute::Kind::kInt: return "int";
    case Attribute::Kind::kString: return "string";
    case Attribute::Kind::kTensor: return "tensor";
    case Attribute::Kind::kGraph: return "graph";
    case Attribute::Kind::kFloats: return "floats";
    case Attribute::Kind::kInts: return "ints";
    case Attribute::Kind::kStrings: return "strings";
    case Attribute::Kind::kTensors: return "tensors";
    case Attribute::Kind::kGraphs: return "graphs";
    case Attribute::Kind::kType: return "type";
  }
  return "?";
}

std::string Attribute::ToString() const {
  constexpr size_t kMaxListItems = 8;
  auto clip = [&](const auto& items) {
    auto shown = items;
    std::string suffix;
    if (shown.size() > kMaxListItems) {
      shown.resize(kMaxListItems);
      suffix = ",...";
    }
    return absl::StrCat("[", absl::StrJoin(shown, ","), suffix, "]");
  };
  switch (kind()) {
    case Kind::kFloat: return absl::StrCat(f());
    case Kind::kInt: return absl::StrCat(i());
    case Kind::kString: return absl::StrCat("\"", s(), "\"");
    case Kind::kTensor: return absl::StrCat("tensor<", DataTypeName(t().dtype()), ShapeToString(t().shape()), ">");
    case Kind::kGraph: return absl::StrCat("graph<", g()->name(), ", ", g()->num_nodes(), " nodes>");
    case Kind::kFloats: return clip(floats());
    case Kind::kInts: return clip(ints());
    case Kind::kStrings: return clip(strings());
    case Kind::kTensors: return absl::StrCat("tensors(", tensors().size(), ")");
    case Kind::kGraphs: return absl::StrCat("graphs(", graphs().size(), ")");
    case Kind::kType: return type().ToString();
  }
  return "?";
}

}  // namespace braid::graph
