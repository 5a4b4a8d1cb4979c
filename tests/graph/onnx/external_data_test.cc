#include "graph/onnx/external_data.h"

#include <filesystem>
#include <fstream>

#include "graph/onnx/importer.h"
#include "gtest/gtest.h"
#include "tests/testing/onnx_model_builder.h"

namespace braid::graph::onnx_import {
namespace {

namespace fs = std::filesystem;

class ExternalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("braid_ext_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "model");
    std::ofstream(root_ / "model" / "weights.bin", std::ios::binary).write("\0\0\x80?\0\0\0@", 8);  // 1.0f, 2.0f
    std::ofstream(root_ / "secret.bin") << "outside";
  }
  void TearDown() override { fs::remove_all(root_); }

  // A model whose initializer "w" (float32[2]) lives at `location`.
  std::string ModelWithExternal(const std::string& location, const std::string& offset = "0",
                                const std::string& length = "") {
    braid::testing::OnnxModelBuilder b;
    onnx::TensorProto* t = b.graph().add_initializer();
    t->set_name("w");
    t->set_data_type(1);
    t->add_dims(2);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(location);
    auto* off = t->add_external_data();
    off->set_key("offset");
    off->set_value(offset);
    if (!length.empty()) {
      auto* len = t->add_external_data();
      len->set_key("length");
      len->set_value(length);
    }
    b.Input("x", DataType::kFloat32, {2}).Node("Add", {"x", "w"}, {"y"}).Output("y", DataType::kFloat32, {2});
    return b.Serialize();
  }

  fs::path root_;
};

TEST_F(ExternalDataTest, ReadsDataRelativeToTheModel) {
  auto m = ImportModelBytes(ModelWithExternal("weights.bin"), root_ / "model");
  ASSERT_TRUE(m.ok()) << m.status();
  const Tensor& w = *m->graph->FindValue("w")->initializer();
  EXPECT_EQ(w.data<float>()[0], 1.0f);
  EXPECT_EQ(w.data<float>()[1], 2.0f);
}

TEST_F(ExternalDataTest, AbsolutePathIsRefused) {
  auto m = ImportModelBytes(ModelWithExternal((root_ / "secret.bin").string()), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("absolute paths are not allowed"), std::string::npos) << m.status();
}

TEST_F(ExternalDataTest, DotDotEscapeIsRefused) {
  auto m = ImportModelBytes(ModelWithExternal("../secret.bin"), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'..' components are not allowed"), std::string::npos) << m.status();
}

TEST_F(ExternalDataTest, SymlinkOutOfTheFolderIsRefused) {
  fs::create_symlink(root_ / "secret.bin", root_ / "model" / "link.bin");
  auto m = ImportModelBytes(ModelWithExternal("link.bin"), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("resolves outside the model's folder"), std::string::npos) << m.status();
}

TEST_F(ExternalDataTest, ReadPastEndOfFileIsAnError) {
  auto m = ImportModelBytes(ModelWithExternal("weights.bin", "4", "8"), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("reaches past its end"), std::string::npos) << m.status();
}

TEST_F(ExternalDataTest, TooLittleDataForTheDimsIsAnError) {
  auto m = ImportModelBytes(ModelWithExternal("weights.bin", "4"), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("external data has 4 bytes but float32[2] needs 8"), std::string::npos)
      << m.status();
}

TEST_F(ExternalDataTest, MissingFileIsNamed) {
  auto m = ImportModelBytes(ModelWithExternal("nope.bin"), root_ / "model");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("no such file"), std::string::npos) << m.status();
}

}  // namespace
}  // namespace braid::graph::onnx_import
