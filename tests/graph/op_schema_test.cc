// The schema registry: version selection, arity checks, type merging.
#include "graph/op_schema.h"

#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::Dims;
using testing::F32;
using testing::In;
using testing::Op;

OpSchema Versioned(int since) {
  OpSchema s;
  s.op_type = "Thing";
  s.since_version = since;
  return s;
}

TEST(OpSchemaTest, RegistryPicksNewestSchemaNotAfterTheOpset) {
  OpSchemaRegistry r;
  r.Register(Versioned(10));
  r.Register(Versioned(1));
  r.Register(Versioned(5));
  EXPECT_EQ(r.Find("", "Thing", 0), nullptr);
  EXPECT_EQ(r.Find("", "Thing", 1)->since_version, 1);
  EXPECT_EQ(r.Find("", "Thing", 7)->since_version, 5);
  EXPECT_EQ(r.Find("", "Thing", 10)->since_version, 10);
  EXPECT_EQ(r.Find("", "Thing", 99)->since_version, 10);
  EXPECT_EQ(r.Find("com.other", "Thing", 99), nullptr);
  EXPECT_EQ(r.num_ops(), 1u);
}

TEST(OpSchemaTest, DefaultRegistryCoversVersionedOpsAndBraidFusedOps) {
  const OpSchemaRegistry& r = DefaultOpSchemas();
  EXPECT_EQ(r.Find("", "Squeeze", 11)->since_version, 1);   // axes attribute
  EXPECT_EQ(r.Find("", "Squeeze", 13)->since_version, 13);  // axes input
  EXPECT_EQ(r.Find("", "Slice", 9)->max_inputs, 1);
  EXPECT_EQ(r.Find("", "Slice", 10)->max_inputs, 5);
  for (const char* op : {"FusedConv", "FusedGemm", "FusedMatMul"}) {
    EXPECT_NE(r.Find(kBraidDomain, op, 1), nullptr) << op;
  }
  EXPECT_EQ(r.Find("", "NoSuchOp", 17), nullptr);
}

TEST(OpSchemaTest, InferNodeChecksArityAndLeavesUnknownOpsAlone) {
  Graph g;
  In(g, "a", F32({2}));
  Node* add = Op(g, "Add", {"a", "a", "a"}, {"y"});
  absl::StatusOr<NodeInference> r = InferNode(*add, DefaultOpSchemas());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has 3 inputs"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find(add->name()), std::string::npos) << r.status();

  Node* custom = Op(g, "Mystery", {"a"}, {"m"}, {}, 1, "com.example");
  absl::StatusOr<NodeInference> u = InferNode(*custom, DefaultOpSchemas());
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->has_schema);
  EXPECT_EQ(u->outputs[0].kind, ValueType::Kind::kUnknown);

  Node* relu = Op(g, "Relu", {"a"}, {"r"});
  absl::StatusOr<NodeInference> ok = InferNode(*relu, DefaultOpSchemas());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->has_schema);
  EXPECT_EQ(ok->outputs[0].ToString(), "float32[2]");
}

TEST(OpSchemaTest, RefineTypeNeverLosesWhatIsKnown) {
  ValueType unknown;
  ValueType no_shape = ValueType::Tensor(DataType::kFloat32);
  ValueType sym = F32({"N", "?"});
  ValueType known = F32({4, 5});
  EXPECT_EQ(RefineType(unknown, sym), sym);
  EXPECT_EQ(RefineType(no_shape, sym), sym);
  EXPECT_EQ(RefineType(sym, known), known);          // symbols become known
  EXPECT_EQ(RefineType(known, sym), known);          // known stays
  EXPECT_EQ(RefineType(sym, unknown), sym);
  EXPECT_EQ(RefineType(sym, F32({"?", "M"})), F32({"N", "M"}));
  EXPECT_EQ(RefineType(known, F32({4, 6})), known);  // contradiction: keep current
  EXPECT_EQ(RefineType(known, ValueType::Tensor(DataType::kInt64, Dims({4, 5}))), known);
  EXPECT_EQ(RefineType(known, F32({4})), known);     // rank differs
}

TEST(OpSchemaTest, TypeConflictDescribesContradictions) {
  EXPECT_EQ(TypeConflict(F32({"N", 3}), F32({2, "?"})), "");
  EXPECT_NE(TypeConflict(F32({2}), ValueType::Tensor(DataType::kInt64, Dims({2}))).find("element types differ"),
            std::string::npos);
  EXPECT_NE(TypeConflict(F32({2}), F32({2, 1})).find("ranks differ"), std::string::npos);
  EXPECT_NE(TypeConflict(F32({2, 3}), F32({2, 4})).find("dim 1 differs"), std::string::npos);
  EXPECT_EQ(TypeConflict(ValueType(), F32({1})), "");
}

}  // namespace
}  // namespace braid::graph
