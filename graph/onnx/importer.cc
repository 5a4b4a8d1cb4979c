#include "graph/onnx/importer.h"

#include <deque>
#include <exception>
#include <fstream>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "graph/onnx/function_inliner.h"
#include "graph/onnx/proto_convert.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace braid::graph::onnx_import {
namespace {

namespace fs = std::filesystem;
using TypeMap = absl::flat_hash_map<std::string, onnx::TypeProto>;

std::string NormalizeDomain(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }

// State shared by the importers of a model's main graph and its subgraphs.
struct ModelContext {
  const ImportOptions& options;
  std::optional<fs::path> base_dir;
  std::map<std::string, int> opsets;
  TypeMap types;  // every value type known from the model or inference
  FunctionInliner::LocalFunctions local_functions;
  int64_t inline_counter = 0;
};

// Collects value types from inputs, value_info and outputs, recursively.
void CollectTypes(const onnx::GraphProto& g, TypeMap& types) {
  auto add = [&](const onnx::ValueInfoProto& vi) {
    if (vi.has_type()) types[vi.name()] = vi.type();
  };
  for (const auto& vi : g.input()) add(vi);
  for (const auto& vi : g.value_info()) add(vi);
  for (const auto& vi : g.output()) add(vi);
  for (const auto& n : g.node()) {
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CollectTypes(a.g(), types);
      for (const auto& sub : a.graphs()) CollectTypes(sub, types);
    }
  }
}

// Names that nodes of `g` (and its nested graphs) read without defining them.
void CollectFreeNames(const onnx::GraphProto& g, absl::flat_hash_set<std::string>& free) {
  absl::flat_hash_set<std::string> defined;
  for (const auto& vi : g.input()) defined.insert(vi.name());
  for (const auto& t : g.initializer()) defined.insert(t.name());
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) defined.insert(o);
  }
  absl::flat_hash_set<std::string> inner;
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) {
      if (!i.empty()) inner.insert(i);
    }
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CollectFreeNames(a.g(), inner);
      for (const auto& sub : a.graphs()) CollectFreeNames(sub, inner);
    }
  }
  for (const auto& o : g.output()) inner.insert(o.name());
  for (const std::string& name : inner) {
    if (!defined.contains(name)) free.insert(name);
  }
}

absl::StatusOr<Tensor> ConstantNodeValue(const onnx::NodeProto& node, const ModelContext& ctx) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    const std::string& n = a.name();
    if (n == "value") return TensorFromProto(a.t(), ctx.base_dir);
    if (n == "value_float") return Tensor::Scalar<float>(a.f());
    if (n == "value_int") return Tensor::Scalar<int64_t>(a.i());
    if (n == "value_string") return Tensor::Scalar<std::string>(a.s());
    if (n == "value_floats") {
      return Tensor::FromVector<float>({a.floats().begin(), a.floats().end()}, {a.floats_size()});
    }
    if (n == "value_ints") return Tensor::FromVector<int64_t>({a.ints().begin(), a.ints().end()}, {a.ints_size()});
    if (n == "value_strings") {
      return Tensor::FromVector<std::string>({a.strings().begin(), a.strings().end()}, {a.strings_size()});
    }
    if (n == "sparse_value") {
      return absl::UnimplementedError(absl::StrCat("Constant node '", node.name(), "': sparse_value is not supported"));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("Constant node '", node.name(), "' has no value attribute"));
}

class GraphImporter {
 public:
  GraphImporter(ModelContext& ctx, GraphImporter* parent, Graph& out) : ctx_(ctx), parent_(parent), out_(out) {}

  absl::Status Import(const onnx::GraphProto& g) {
    out_.set_name(g.name());
    for (const auto& [domain, version] : ctx_.opsets) out_.SetOpsetImport(domain, version);
    for (const auto& vi : g.input()) {
      BRAID_RETURN_IF_ERROR(out_.AddInput(vi.name(), ValueTypeFromProto(vi.type())).status());
    }
    for (const onnx::TensorProto& tp : g.initializer()) {
      BRAID_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(tp, ctx_.base_dir));
      auto data = std::make_shared<const Tensor>(std::move(t));
      if (Value* input = out_.FindValue(tp.name()); input != nullptr && input->origin() == Value::Origin::kGraphInput) {
        out_.SetInputDefault(input, std::move(data));
      } else {
        BRAID_RETURN_IF_ERROR(out_.AddInitializer(tp.name(), std::move(data)).status());
      }
    }
    if (g.sparse_initializer_size() > 0) {
      return absl::UnimplementedError(absl::StrCat("graph '", g.name(), "': sparse initializers are not supported"));
    }
    BRAID_RETURN_IF_ERROR(ImportNodes(g));
    for (const auto& vi : g.output()) {
      Value* v = Lookup(vi.name());
      if (v == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("graph '", g.name(), "': output '", vi.name(), "' is not produced by any node"));
      }
      if (vi.has_type() && v->type().kind == ValueType::Kind::kUnknown) v->set_type(ValueTypeFromProto(vi.type()));
      BRAID_RETURN_IF_ERROR(out_.AddOutput(v));
    }
    return out_.TopologicalSort();
  }

  // Finds `name` in this scope, creating captures through enclosing scopes
  // as needed. Null when no scope defines it.
  Value* Lookup(const std::string& name) {
    if (Value* v = out_.FindValue(name)) return v;
    if (parent_ == nullptr) return nullptr;
    Value* outer = parent_->Lookup(name);
    if (outer == nullptr) return nullptr;
    return out_.AddCapture(name, outer->type()).value();
  }

 private:
  // Adds nodes in dependency order; nodes whose inputs come from later nodes
  // wait until those exist. A round without progress means a cycle.
  absl::Status ImportNodes(const onnx::GraphProto& g) {
    absl::flat_hash_map<std::string, int> pending_producers;  // output name -> nodes not yet added
    for (const auto& n : g.node()) {
      for (const auto& o : n.output()) {
        if (!o.empty()) ++pending_producers[o];
      }
    }
    std::deque<const onnx::NodeProto*> queue;
    for (const auto& n : g.node()) queue.push_back(&n);
    size_t stalled = 0;
    while (!queue.empty()) {
      const onnx::NodeProto* n = queue.front();
      queue.pop_front();
      if (WaitsOnPending(*n, pending_producers)) {
        queue.push_back(n);
        if (++stalled > queue.size()) {
          return absl::InvalidArgumentError(absl::StrCat("graph '", g.name(), "' has a cycle through node '",
                                                         n->name(), "' (", n->op_type(), ")"));
        }
        continue;
      }
      stalled = 0;
      BRAID_RETURN_IF_ERROR(ImportNode(*n, ctx_.opsets, 0));
      for (const auto& o : n->output()) {
        if (!o.empty()) --pending_producers[o];
      }
    }
    return absl::OkStatus();
  }

  static bool WaitsOnPending(const onnx::NodeProto& n, const absl::flat_hash_map<std::string, int>& pending) {
    auto is_pending = [&](const std::string& name) {
      auto it = pending.find(name);
      return it != pending.end() && it->second > 0;
    };
    for (const auto& i : n.input()) {
      if (is_pending(i)) return true;
    }
    absl::flat_hash_set<std::string> free;
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CollectFreeNames(a.g(), free);
      for (const auto& sub : a.graphs()) CollectFreeNames(sub, free);
    }
    for (const std::string& name : free) {
      if (is_pending(name)) return true;
    }
    return false;
  }

  int OpsetOf(const std::string& domain, const std::map<std::string, int>& opsets) const {
    auto it = opsets.find(domain);
    if (it != opsets.end()) return it->second;
    auto model = ctx_.opsets.find(domain);
    return model != ctx_.opsets.end() ? model->second : 0;
  }

  absl::Status ImportNode(const onnx::NodeProto& n, const std::map<std::string, int>& opsets, int depth) {
    constexpr int kMaxInlineDepth = 16;
    std::string domain = NormalizeDomain(n.domain());
    int opset = OpsetOf(domain, opsets);
    if (n.op_type() == "Constant" && domain.empty()) return ImportConstant(n);

    FunctionInliner inliner(ctx_.local_functions, ctx_.types);
    bool native = ctx_.options.has_kernel && ctx_.options.has_kernel(domain, n.op_type(), opset);
    bool expand = inliner.IsLocalFunction(n) ||
                  (ctx_.options.has_kernel && !native && FunctionInliner::HasSchemaFunction(n, opset));
    if (expand && depth < kMaxInlineDepth) {
      std::string prefix = absl::StrCat(n.name().empty() ? n.op_type() : n.name(), "/", ctx_.inline_counter++, "/");
      absl::StatusOr<InlinedBody> body = inliner.Inline(n, opset, prefix);
      if (body.ok()) {
        std::map<std::string, int> body_opsets = opsets;
        for (const auto& [d, v] : body->opset_imports) body_opsets[d] = v;
        for (const onnx::NodeProto& inner : body->nodes) BRAID_RETURN_IF_ERROR(ImportNode(inner, body_opsets, depth + 1));
        return absl::OkStatus();
      }
      if (inliner.IsLocalFunction(n)) return body.status();
      // A schema function that cannot be built stays a node; it is then
      // reported as unsupported by whoever cannot run it.
    }

    NodeSpec spec;
    spec.name = n.name().empty() ? n.op_type() : n.name();
    spec.op_type = n.op_type();
    spec.domain = domain;
    spec.opset = opset;
    for (const auto& i : n.input()) {
      if (!i.empty() && Lookup(i) == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("node '", n.name(), "' (", n.op_type(), ") reads value '", i,
                                                       "', which no node, input or initializer defines"));
      }
      spec.inputs.push_back(i);
    }
    spec.outputs.assign(n.output().begin(), n.output().end());
    std::vector<Graph*> subgraphs;
    for (const onnx::AttributeProto& a : n.attribute()) {
      BRAID_ASSIGN_OR_RETURN(Attribute attr, ConvertAttribute(n, a, subgraphs));
      spec.attributes.emplace(a.name(), std::move(attr));
    }
    BRAID_ASSIGN_OR_RETURN(Node* node, out_.AddNode(spec));
    for (Graph* sub : subgraphs) {
      for (Value* capture : sub->captures()) out_.AddImplicitInput(node, Lookup(capture->name()));
    }
    for (Value* out : node->outputs()) {
      auto t = ctx_.types.find(out->name());
      if (t != ctx_.types.end()) out->set_type(ValueTypeFromProto(t->second));
    }
    return absl::OkStatus();
  }

  absl::Status ImportConstant(const onnx::NodeProto& n) {
    if (n.output_size() != 1 || n.output(0).empty()) {
      return absl::InvalidArgumentError(absl::StrCat("Constant node '", n.name(), "' must have exactly one output"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor t, ConstantNodeValue(n, ctx_));
    return out_.AddInitializer(n.output(0), std::make_shared<const Tensor>(std::move(t))).status();
  }

  absl::StatusOr<std::shared_ptr<Graph>> ImportSubgraph(const onnx::GraphProto& g) {
    auto sub = std::make_shared<Graph>();
    GraphImporter child(ctx_, this, *sub);
    BRAID_RETURN_IF_ERROR(child.Import(g));
    return sub;
  }

  absl::StatusOr<Attribute> ConvertAttribute(const onnx::NodeProto& n, const onnx::AttributeProto& a,
                                             std::vector<Graph*>& subgraphs) {
    using AP = onnx::AttributeProto;
    AP::AttributeType type = a.type();
    if (type == AP::UNDEFINED) {  // IR v1/v2 files may omit the type: infer it from the field set
      if (a.has_f()) type = AP::FLOAT;
      else if (a.has_i()) type = AP::INT;
      else if (a.has_s()) type = AP::STRING;
      else if (a.has_t()) type = AP::TENSOR;
      else if (a.has_g()) type = AP::GRAPH;
      else if (a.floats_size() > 0) type = AP::FLOATS;
      else if (a.ints_size() > 0) type = AP::INTS;
      else if (a.strings_size() > 0) type = AP::STRINGS;
      else if (a.tensors_size() > 0) type = AP::TENSORS;
      else if (a.graphs_size() > 0) type = AP::GRAPHS;
    }
    switch (type) {
      case AP::FLOAT: return Attribute(a.f());
      case AP::INT: return Attribute(static_cast<int64_t>(a.i()));
      case AP::STRING: return Attribute(a.s());
      case AP::TENSOR: {
        BRAID_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(a.t(), ctx_.base_dir));
        return Attribute(std::move(t));
      }
      case AP::GRAPH: {
        BRAID_ASSIGN_OR_RETURN(std::shared_ptr<Graph> g, ImportSubgraph(a.g()));
        subgraphs.push_back(g.get());
        return Attribute(std::move(g));
      }
      case AP::FLOATS: return Attribute(std::vector<float>(a.floats().begin(), a.floats().end()));
      case AP::INTS: return Attribute(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
      case AP::STRINGS: return Attribute(std::vector<std::string>(a.strings().begin(), a.strings().end()));
      case AP::TENSORS: {
        std::vector<Tensor> tensors;
        for (const auto& tp : a.tensors()) {
          BRAID_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(tp, ctx_.base_dir));
          tensors.push_back(std::move(t));
        }
        return Attribute(std::move(tensors));
      }
      case AP::GRAPHS: {
        std::vector<std::shared_ptr<Graph>> graphs;
        for (const auto& gp : a.graphs()) {
          BRAID_ASSIGN_OR_RETURN(std::shared_ptr<Graph> g, ImportSubgraph(gp));
          subgraphs.push_back(g.get());
          graphs.push_back(std::move(g));
        }
        return Attribute(std::move(graphs));
      }
      case AP::TYPE_PROTO: return Attribute(ValueTypeFromProto(a.tp()));
      default:
        return absl::UnimplementedError(absl::StrCat("node '", n.name(), "' (", n.op_type(), "): attribute '",
                                                     a.name(), "' has unsupported kind ", AP::AttributeType_Name(type)));
    }
  }

  ModelContext& ctx_;
  GraphImporter* parent_;
  Graph& out_;
};

absl::StatusOr<onnx::ModelProto> ParseModel(std::string_view bytes) {
  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                static_cast<int>(bytes.size()));
  stream.SetTotalBytesLimit(INT32_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    return absl::InvalidArgumentError(
        "not a valid ONNX model: the file is not a well-formed ModelProto (truncated or not ONNX?)");
  }
  if (!model.has_graph()) return absl::InvalidArgumentError("not a valid ONNX model: it has no graph");
  return model;
}

}  // namespace

absl::StatusOr<ImportedModel> ImportModelBytes(std::string_view bytes, const std::optional<fs::path>& base_dir,
                                               const ImportOptions& options) {
  if (static_cast<int64_t>(bytes.size()) > options.max_model_bytes || bytes.size() > INT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("model of ", bytes.size(),
                                                   " bytes exceeds the 2 GiB protobuf limit; store weights as "
                                                   "external data"));
  }
  BRAID_ASSIGN_OR_RETURN(onnx::ModelProto model, ParseModel(bytes));

  ModelContext ctx{options, base_dir, {}, {}, {}, 0};
  for (const auto& id : model.opset_import()) ctx.opsets[NormalizeDomain(id.domain())] = static_cast<int>(id.version());
  if (!ctx.opsets.contains("")) ctx.opsets[""] = 1;  // IR v1/v2 models predate opset_import
  for (const auto& f : model.functions()) ctx.local_functions[{f.domain(), f.name()}] = &f;

  if (options.infer_shapes) {
    try {
      onnx::ShapeInferenceOptions infer_options(/*check_type=*/false, /*strict_mode=*/0, /*data_prop=*/true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), infer_options);
    } catch (const std::exception&) {
      // Inference is an aid, not a requirement: values it could not type
      // stay unknown and Braid's own inference takes over.
    }
  }
  CollectTypes(model.graph(), ctx.types);

  ImportedModel result;
  result.graph = std::make_unique<Graph>();
  GraphImporter importer(ctx, nullptr, *result.graph);
  BRAID_RETURN_IF_ERROR(importer.Import(model.graph()));

  ModelMetadata& md = result.metadata;
  md.ir_version = model.ir_version();
  md.producer_name = model.producer_name();
  md.producer_version = model.producer_version();
  md.domain = model.domain();
  md.model_version = model.model_version();
  md.doc_string = model.doc_string();
  for (const auto& p : model.metadata_props()) md.properties[p.key()] = p.value();
  return result;
}

absl::StatusOr<ImportedModel> ImportModelFile(const fs::path& path, const ImportOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return absl::NotFoundError(absl::StrCat("model file not found: ", path.string()));
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("cannot read ", path.string(), ": ", ec.message()));
  if (static_cast<int64_t>(size) > options.max_model_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(path.string(), ": ", size, " bytes exceeds the model size limit"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return absl::DataLossError(absl::StrCat("short read from ", path.string()));
  }
  absl::StatusOr<ImportedModel> model = ImportModelBytes(bytes, path.parent_path().empty() ? fs::path(".") : path.parent_path(), options);
  if (!model.ok()) {
    return absl::Status(model.status().code(), absl::StrCat(path.filename().string(), ": ", model.status().message()));
  }
  return model;
}

}  // namespace braid::graph::onnx_import
