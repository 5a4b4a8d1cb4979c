// Runs validation and shape propagation over every model of the ONNX
// backend test data (Debian's libonnx-testdata) and Braid's third-party
// models: models ONNX accepts must validate, and Braid's inference must
// never contradict the types ONNX's own inference recorded at import.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "graph/onnx/importer.h"
#include "graph/passes/shape_propagation.h"
#include "graph/validate.h"
#include "gtest/gtest.h"

namespace braid::graph {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FindModels(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == "model.onnx") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CheckModels(const std::vector<fs::path>& models) {
  int imported = 0;
  for (const fs::path& path : models) {
    absl::StatusOr<onnx_import::ImportedModel> model = onnx_import::ImportModelFile(path);
    if (!model.ok()) continue;  // import coverage is the importer's own suite
    ++imported;
    EXPECT_TRUE(ValidateGraph(*model->graph).ok())
        << path.string() << ": " << ValidateGraph(*model->graph).message();
    absl::StatusOr<int> refined = PropagateShapes(*model->graph);
    ASSERT_TRUE(refined.ok()) << path.string() << ": " << refined.status();
    EXPECT_TRUE(ValidateGraph(*model->graph).ok())
        << path.string() << " after shape propagation: " << ValidateGraph(*model->graph).message();
  }
  EXPECT_GT(imported, 0);
}

// Imports each model twice, with and without ONNX's inference, runs Braid's
// propagation on the second and compares every value ONNX typed: Braid must
// never contradict ONNX. Returns {values ONNX typed, values Braid typed as
// precisely}.
std::pair<int, int> CompareWithOnnxInference(const std::vector<fs::path>& models) {
  int onnx_typed = 0, matched = 0;
  onnx_import::ImportOptions bare;
  bare.infer_shapes = false;
  for (const fs::path& path : models) {
    absl::StatusOr<onnx_import::ImportedModel> ref = onnx_import::ImportModelFile(path);
    absl::StatusOr<onnx_import::ImportedModel> ours = onnx_import::ImportModelFile(path, bare);
    if (!ref.ok() || !ours.ok()) continue;
    absl::StatusOr<int> refined = PropagateShapes(*ours->graph);
    EXPECT_TRUE(refined.ok()) << path.string() << ": " << refined.status();
    for (const Node* n : ref->graph->nodes()) {
      for (const Value* v : n->outputs()) {
        const Value* mine = ours->graph->FindValue(v->name());
        if (mine == nullptr || !v->type().is_tensor() || !v->type().has_rank()) continue;
        ++onnx_typed;
        std::string conflict = TypeConflict(v->type(), mine->type());
        EXPECT_TRUE(conflict.empty()) << path.string() << ": value '" << v->name() << "' of " << n->op_type()
                                      << ": ONNX infers " << v->type().ToString() << ", Braid "
                                      << mine->type().ToString() << " (" << conflict << ")";
        if (RefineType(mine->type(), v->type()) == mine->type()) ++matched;
      }
    }
  }
  return {onnx_typed, matched};
}

TEST(OnnxModelsTest, InferenceAgreesWithOnnx) {
  std::vector<fs::path> models = FindModels("/usr/share/libonnx-testdata/data");
  std::vector<fs::path> third_party = FindModels(fs::path(BRAID_SOURCE_DIR) / "models");
  models.insert(models.end(), third_party.begin(), third_party.end());
  if (models.empty()) GTEST_SKIP() << "neither libonnx-testdata nor " << BRAID_SOURCE_DIR << "/models has models";
  auto [onnx_typed, matched] = CompareWithOnnxInference(models);
  std::cout << "Braid's inference types " << matched << " of the " << onnx_typed
            << " values ONNX's inference types, as precisely\n";
  EXPECT_GT(onnx_typed, 0);
}

TEST(OnnxModelsTest, BackendTestModelsValidateAndPropagate) {
  std::vector<fs::path> models = FindModels("/usr/share/libonnx-testdata/data");
  if (models.empty()) GTEST_SKIP() << "libonnx-testdata is not installed (/usr/share/libonnx-testdata/data)";
  CheckModels(models);
}

TEST(OnnxModelsTest, ThirdPartyModelsValidateAndPropagate) {
  std::vector<fs::path> models = FindModels(fs::path(BRAID_SOURCE_DIR) / "models");
  if (models.empty()) GTEST_SKIP() << "no models under " << BRAID_SOURCE_DIR << "/models";
  CheckModels(models);
}

}  // namespace
}  // namespace braid::graph
