// Helpers shared by the `braid` subcommands: files, inputs, summaries.
#ifndef BRAID_TOOLS_CLI_COMMON_H_
#define BRAID_TOOLS_CLI_COMMON_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "braid/runtime.h"
#include "graph/graph.h"

namespace braid::tools {

absl::StatusOr<std::string> ReadFileBytes(const std::filesystem::path& path);
absl::Status WriteFileBytes(const std::filesystem::path& path, const std::string& bytes);

// Reads an input value: .npy, or an ONNX TensorProto/SequenceProto/
// OptionalProto .pb chosen by `expected`.
absl::StatusOr<Value> ReadValueFile(const std::filesystem::path& path, const graph::ValueType& expected);

// Parses NAME=FILE specs against the graph's inputs (errors name the spec).
absl::StatusOr<NamedValues> LoadInputs(const std::vector<std::string>& specs, const graph::Graph& graph);

// Adds the values of DIR/input_<k>.pb (k = 0, 1, ...) for the k-th graph
// input without a default, skipping inputs already in `given`.
absl::StatusOr<NamedValues> LoadInputDir(const std::filesystem::path& dir, const graph::Graph& graph, NamedValues given);

// Adds random values (fixed `seed`) for every required graph input not in
// `given`: floats uniform in [-1, 1), integers in [0, 10), bools, empty
// strings; symbolic or unknown dims become `free_dim`.
absl::StatusOr<NamedValues> AddRandomInputs(const graph::Graph& graph, NamedValues given, uint64_t seed,
                                            int64_t free_dim = 1);

// "REGEX=DEVICE" specs -> session pins (errors name the spec).
absl::StatusOr<std::vector<SessionOptions::Pin>> ParsePins(const std::vector<std::string>& specs);

// The flags that choose where and how a session runs, shared by the
// subcommands that create sessions.
struct SessionFlags {
  std::string devices;
  std::vector<std::string> pins;
  int threads = 0;

  // Adds `device_flag` (a device preference list), --pin and --threads.
  void AddTo(CLI::App* cmd, const std::string& device_flag = "--device");
  absl::StatusOr<SessionOptions> ToOptions() const;
};

// "a,b" -> {"a", "b"}; empty -> {}.
std::vector<std::string> SplitList(const std::string& list);

// "float32[2,3] = [0.1, 0.2, ...] (min .., max .., mean ..)".
std::string SummarizeValue(const Value& value, int max_items = 8);

// Creates the runtime or prints why not (returns null).
std::unique_ptr<Runtime> CreateRuntimeOrReport();

// Prints "error: <status>" to stderr and returns exit code 1.
int ReportError(const absl::Status& status);

// Median and percentile (0..100) of samples (sorted copy).
double Percentile(std::vector<double> samples, double pct);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_CLI_COMMON_H_
