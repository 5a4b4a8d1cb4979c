#include "graph/onnx/function_inliner.h"

#include <exception>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "onnx/defs/schema.h"

namespace braid::graph::onnx_import {
namespace {

std::string NormalizeDomain(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }

const onnx::OpSchema* FindSchema(const onnx::NodeProto& node, int opset) {
  std::string domain = NormalizeDomain(node.domain());
  return onnx::OpSchemaRegistry::Schema(node.op_type(), opset, domain);
}

using RenameFn = std::function<void(std::string*)>;

// Renames the names a nested graph reads from enclosing scopes (names it
// does not define itself), recursively; `bound` holds names defined by the
// nested graphs between the function body and this one.
void RenameFreeNames(onnx::GraphProto& g, absl::flat_hash_set<std::string> bound, const RenameFn& rename) {
  for (const auto& vi : g.input()) bound.insert(vi.name());
  for (const auto& t : g.initializer()) bound.insert(t.name());
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) bound.insert(o);
  }
  for (onnx::NodeProto& n : *g.mutable_node()) {
    for (std::string& in : *n.mutable_input()) {
      if (!in.empty() && !bound.contains(in)) rename(&in);
    }
    for (onnx::AttributeProto& a : *n.mutable_attribute()) {
      if (a.has_g()) RenameFreeNames(*a.mutable_g(), bound, rename);
      for (onnx::GraphProto& sub : *a.mutable_graphs()) RenameFreeNames(sub, bound, rename);
    }
  }
  for (onnx::ValueInfoProto& out : *g.mutable_output()) {
    if (!bound.contains(out.name())) rename(out.mutable_name());
  }
}

// Rewrites names of one body node: formals -> actuals, internals -> prefixed,
// including the outer names its nested graphs read.
void RenameValues(onnx::NodeProto& n, const absl::flat_hash_map<std::string, std::string>& actual,
                  const std::string& prefix) {
  RenameFn rename = [&](std::string* name) {
    if (name->empty()) return;
    auto it = actual.find(*name);
    *name = it != actual.end() ? it->second : absl::StrCat(prefix, *name);
  };
  for (std::string& in : *n.mutable_input()) rename(&in);
  for (std::string& out : *n.mutable_output()) rename(&out);
  for (onnx::AttributeProto& a : *n.mutable_attribute()) {
    if (a.has_g()) RenameFreeNames(*a.mutable_g(), {}, rename);
    for (onnx::GraphProto& sub : *a.mutable_graphs()) RenameFreeNames(sub, {}, rename);
  }
  if (!n.name().empty()) n.set_name(absl::StrCat(prefix, n.name()));
}

// Replaces attribute references (ref_attr_name) by the caller's values, or
// the schema default when the caller leaves the attribute out.
void BindAttributes(onnx::NodeProto& n, const onnx::NodeProto& caller, const onnx::OpSchema* schema) {
  google::protobuf::RepeatedPtrField<onnx::AttributeProto> bound;
  for (const onnx::AttributeProto& a : n.attribute()) {
    if (!a.has_ref_attr_name()) {
      *bound.Add() = a;
      continue;
    }
    const onnx::AttributeProto* source = nullptr;
    for (const onnx::AttributeProto& c : caller.attribute()) {
      if (c.name() == a.ref_attr_name()) source = &c;
    }
    if (source == nullptr && schema != nullptr) {
      auto it = schema->attributes().find(a.ref_attr_name());
      if (it != schema->attributes().end() && it->second.default_value.type() != onnx::AttributeProto::UNDEFINED) {
        source = &it->second.default_value;
      }
    }
    if (source == nullptr) continue;  // unset optional attribute: omit it
    onnx::AttributeProto* out = bound.Add();
    *out = *source;
    out->set_name(a.name());
  }
  *n.mutable_attribute() = std::move(bound);
}

}  // namespace

bool FunctionInliner::IsLocalFunction(const onnx::NodeProto& node) const {
  return local_functions_.contains({node.domain(), node.op_type()});
}

bool FunctionInliner::HasSchemaFunction(const onnx::NodeProto& node, int opset) {
  const onnx::OpSchema* schema = FindSchema(node, opset);
  return schema != nullptr && (schema->HasFunction() || schema->HasContextDependentFunction());
}

absl::StatusOr<InlinedBody> FunctionInliner::Inline(const onnx::NodeProto& node, int opset,
                                                    const std::string& unique_prefix) const {
  onnx::FunctionProto built;
  const onnx::FunctionProto* function = nullptr;
  const onnx::OpSchema* schema = nullptr;
  if (auto it = local_functions_.find({node.domain(), node.op_type()}); it != local_functions_.end()) {
    function = it->second;
  } else {
    schema = FindSchema(node, opset);
    if (schema == nullptr) return absl::NotFoundError(absl::StrCat("no schema for ", node.op_type()));
    try {
      if (schema->HasFunction()) {
        function = schema->GetFunction();
      } else if (schema->HasContextDependentFunction()) {
        std::vector<onnx::TypeProto> input_types;
        for (const std::string& in : node.input()) {
          auto t = types_.find(in);
          input_types.push_back(t != types_.end() ? t->second : onnx::TypeProto());
        }
        onnx::FunctionBodyBuildContextImpl ctx(node, input_types);
        if (!schema->BuildContextDependentFunction(ctx, built)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "ONNX could not build the function body of ", node.op_type(), " (input types unknown?)"));
        }
        function = &built;
      }
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat("expanding ", node.op_type(), ": ", e.what()));
    }
    if (function == nullptr) return absl::NotFoundError(absl::StrCat(node.op_type(), " has no function body"));
  }

  absl::flat_hash_map<std::string, std::string> actual;
  for (int i = 0; i < function->input_size(); ++i) {
    actual[function->input(i)] = i < node.input_size() ? node.input(i) : "";
  }
  for (int i = 0; i < function->output_size(); ++i) {
    if (i < node.output_size() && !node.output(i).empty()) actual[function->output(i)] = node.output(i);
  }
  InlinedBody body;
  for (const onnx::OperatorSetIdProto& id : function->opset_import()) {
    body.opset_imports[NormalizeDomain(id.domain())] = static_cast<int>(id.version());
  }
  for (const onnx::NodeProto& original : function->node()) {
    onnx::NodeProto n = original;
    RenameValues(n, actual, unique_prefix);
    BindAttributes(n, node, schema);
    body.nodes.push_back(std::move(n));
  }
  return body;
}

}  // namespace braid::graph::onnx_import
