#pragma once
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace dvfo::cli {

struct AttentionTrainOptions {
    std::string model = "small_cnn";
    std::string split; // empty = the model's default
    std::string out = "attention-checkpoint";
    std::string data; // empty = FashionMnist::defaultDirectory()
    int epochs = 2;
    int batchSize = 64;
    double learningRate = 2e-3;
    size_t trainLimit = 0;
    uint64_t seed = 1;
    int threads = 0;
    bool quiet = false;
};

struct AttentionEvaluateOptions {
    std::string checkpoint;
    std::string data;
    size_t testLimit = 0;
    float zeroSkip = 0.0f;
    std::string json; // also write the report here
    int threads = 0;
};

struct AttentionExportOptions {
    std::string checkpoint;
    std::string out;
    std::string name = "dvfo_cloud_tail";
};

struct AttentionRunOptions {
    std::string checkpoint;
    std::string cloud = "http://127.0.0.1:8000";
    std::string modelName = "dvfo_cloud_tail";
    std::string data;
    double share = 0.5;
    float zeroSkip = 0.0f;
    size_t samples = 200;
    int batch = 50;
    double connectTimeout = 1.0;
    double readTimeout = 5.0;
    bool json = false; // JSON tensors instead of the binary extension
};

// `dvfo attention train | evaluate | export-triton | run`: DVFO's attention-based split of a
// model between the edge and a cloud server (core/attention/attentionsplit.h).
void addAttentionCommand(CLI::App& app);
int runAttentionTrain(const AttentionTrainOptions& o);
int runAttentionEvaluate(const AttentionEvaluateOptions& o);
int runAttentionExport(const AttentionExportOptions& o);
int runAttentionRun(const AttentionRunOptions& o);

} // namespace dvfo::cli
