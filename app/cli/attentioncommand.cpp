#include "app/cli/attentioncommand.h"

#include "app/cli/progressbar.h"
#include "app/cli/tableprinter.h"
#include "core/attention/attentionsplit.h"
#include "core/attentionstudy/attentioninspector.h"
#include "core/attentionstudy/attentiontrainer.h"
#include "core/attentionstudy/collaborativeinference.h"
#include "core/dnn/dnnmodel.h"
#include "core/attentionstudy/fashionmnist.h"
#include "core/attentionstudy/tritonexporter.h"
#include "remote/cloud/cloudclient.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>

namespace dvfo::cli {

namespace {

std::atomic<bool> g_interrupted{false};
void onInterrupt(int) {
    g_interrupted = true;
}

std::string dataDirectory(const std::string& option) {
    return option.empty() ? FashionMnist::defaultDirectory() : option;
}

std::string percent(double fraction) {
    return fraction < 0 ? "-" : TablePrinter::num(100.0 * fraction, 2);
}

void setThreads(int threads) {
    if (threads > 0)
        DnnModel::setThreads(threads);
}

} // namespace

int runAttentionTrain(const AttentionTrainOptions& o) {
    std::signal(SIGINT, onInterrupt);
    try {
        setThreads(o.threads);
        AttentionSplitConfig config;
        config.model = o.model;
        config.splitLayer = o.split;
        config.seed = o.seed;
        std::unique_ptr<AttentionSplit> model = AttentionSplit::create(config);
        const std::string dir = dataDirectory(o.data);
        const FashionMnist train =
            FashionMnist::load(dir, FashionMnist::Split::Train, o.trainLimit);
        std::cerr << "Model: " << model->describe() << "\n"
                  << "Data: Fashion-MNIST " << train.size() << " training images from " << dir
                  << "\n"
                  << "Training: " << o.epochs << " epochs, batch " << o.batchSize << ", Adam lr "
                  << o.learningRate << " (cosine), random offload shares per sample\n";

        TrainOptions options;
        options.epochs = o.epochs;
        options.batchSize = o.batchSize;
        options.learningRate = o.learningRate;
        options.seed = o.seed;
        const size_t batchesPerEpoch =
            (train.size() + size_t(o.batchSize) - 1) / size_t(o.batchSize);
        std::unique_ptr<ProgressBar> bar;
        if (!o.quiet)
            bar = std::make_unique<ProgressBar>(batchesPerEpoch * size_t(o.epochs), "training");
        options.progress = [&](const TrainProgress& p) {
            if (bar)
                bar->update(size_t(p.epoch - 1) * batchesPerEpoch + size_t(p.batch),
                            "epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs) +
                                " loss " + TablePrinter::num(p.loss, 3) + " acc " +
                                TablePrinter::num(100.0 * p.accuracy, 1) + "%");
            else if (p.batch == p.batches)
                std::cerr << "epoch " << p.epoch << "/" << p.epochs << ": loss " << p.loss
                          << ", train accuracy " << 100.0 * p.accuracy << "%\n";
        };
        options.cancelled = [] { return g_interrupted.load(); };
        // A checkpoint after every epoch: an interrupted run keeps its last whole epoch.
        options.epochEnd = [&](const TrainSummary& soFar) {
            model->save(o.out, AttentionTrainer::summaryJson(options, soFar, train.size()));
        };
        AttentionTrainer trainer(*model);
        const TrainSummary summary = trainer.train(train, options);
        if (bar)
            bar->finish();
        if (summary.epochsCompleted == 0) {
            std::cerr << "dvfo: training interrupted before the first epoch ended; no checkpoint "
                         "written\n";
            return 130;
        }
        std::cerr << (summary.cancelled ? "Interrupted; the checkpoint holds the model after epoch "
                                        : "Trained ")
                  << summary.epochsCompleted << " epoch(s) in " << formatDuration(summary.seconds)
                  << "; last epoch: loss " << TablePrinter::num(summary.lastEpochLoss, 4)
                  << ", train accuracy " << TablePrinter::num(100.0 * summary.lastEpochAccuracy, 2)
                  << "%\n";
        std::cout << "Checkpoint: " << o.out << "\n";
        return summary.cancelled ? 130 : 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: attention train failed: " << e.what() << "\n";
        return 1;
    }
}

int runAttentionEvaluate(const AttentionEvaluateOptions& o) {
    try {
        setThreads(o.threads);
        std::unique_ptr<AttentionSplit> model = AttentionSplit::load(o.checkpoint);
        const FashionMnist test =
            FashionMnist::load(dataDirectory(o.data), FashionMnist::Split::Test, o.testLimit);
        EvaluationOptions options;
        options.zeroSkipThreshold = o.zeroSkip;
        std::cerr << "Model: " << model->describe() << "\nEvaluating on " << test.size()
                  << " Fashion-MNIST test images, int8 compression"
                  << (o.zeroSkip > 0 ? ", zero-skipping maps with max |x| < " +
                                           TablePrinter::num(o.zeroSkip, 4)
                                     : std::string(", no zero-skipping"))
                  << "\n";
        const EvaluationReport report = AttentionTrainer(*model).evaluate(test, options);
        const FeatureShape f = report.featureShape;
        const double fullBytes = double(f.elements()) * sizeof(float);
        std::cout << "\n"
                  << model->config().model << " split after " << model->config().splitLayer << ": "
                  << f.channels << " maps of " << f.height << "x" << f.width
                  << " (all as float32: " << TablePrinter::num(fullBytes, 0) << " B/sample)\n"
                  << "Unsplit edge model accuracy: " << percent(report.unsplitAccuracy) << "% on "
                  << report.samples << " test images\n\n";
        TablePrinter table({"share", "kept ch", "offl ch", "sent ch", "accuracy %", "loss pp",
                            "bytes/sample", "float32 B", "vs float32", "edge-kept %",
                            "cloud-only %"});
        for (const ShareEvaluation& r : report.shares) {
            table.addRow(
                {TablePrinter::num(r.share, 1), TablePrinter::num(r.meanKeptChannels, 1),
                 TablePrinter::num(r.meanOffloadedChannels, 1),
                 TablePrinter::num(r.meanSentChannels, 1), percent(r.accuracy),
                 TablePrinter::num(100.0 * (report.unsplitAccuracy - r.accuracy), 2),
                 TablePrinter::num(r.meanWireBytes, 0), TablePrinter::num(r.meanFloat32Bytes, 0),
                 r.meanFloat32Bytes > 0
                     ? TablePrinter::num(100.0 * r.meanWireBytes / r.meanFloat32Bytes, 1) + "%"
                     : "-",
                 percent(r.edgeKeptAccuracy), percent(r.cloudOnlyAccuracy)});
        }
        table.print(std::cout);
        std::cout << "\nbytes/sample = int8 payload + float32 scales + int32 channel indices "
                     "actually sent; "
                     "float32 B = the offloaded maps as raw float32;\nloss pp = unsplit accuracy "
                     "minus accuracy, "
                     "percentage points; edge-kept = edge tail on the kept maps alone; cloud-only "
                     "= cloud tail alone.\n";
        std::cerr << "Evaluated in " << formatDuration(report.seconds) << "\n";
        if (!o.json.empty()) {
            AttentionInspector::writeEvaluationReport(
                o.json, report, o.checkpoint, model->config().model, model->config().splitLayer);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: attention evaluate failed: " << e.what() << "\n";
        return 1;
    }
}

int runAttentionExport(const AttentionExportOptions& o) {
    try {
        std::unique_ptr<AttentionSplit> model = AttentionSplit::load(o.checkpoint);
        const TritonExportResult result = TritonExporter(*model).exportRepository(o.out, o.name);
        std::cout << "Triton model repository: " << result.modelDirectory << "\n"
                  << "  " << result.configFile << "\n"
                  << "  " << result.modelFile << " (TorchScript, self-check max |difference| "
                  << result.maxAbsDifference << ")\n"
                  << "  " << result.modelDirectory << "/README.md\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: attention export-triton failed: " << e.what() << "\n";
        return 1;
    }
}

int runAttentionRun(const AttentionRunOptions& o) {
    try {
        std::unique_ptr<AttentionSplit> model = AttentionSplit::load(o.checkpoint);
        const FashionMnist test =
            FashionMnist::load(dataDirectory(o.data), FashionMnist::Split::Test, o.samples);
        CloudClientOptions clientOptions = CloudClientOptions::fromAddress(o.cloud);
        clientOptions.modelName = o.modelName;
        clientOptions.connectTimeoutSeconds = o.connectTimeout;
        clientOptions.readTimeoutSeconds = o.readTimeout;
        clientOptions.binaryTensors = !o.json;
        CloudClient client(clientOptions);
        CollaborativeInference runner(*model, &client);
        CollaborativeOptions options;
        options.share = o.share;
        options.zeroSkipThreshold = o.zeroSkip;
        std::cerr << "Model: " << model->describe() << "\nCloud: " << client.describe() << "\n";

        size_t correct = 0, fellBack = 0, cloudUsed = 0;
        double wire = 0, request = 0, cloudMs = 0;
        std::string firstReason;
        const auto start = std::chrono::steady_clock::now();
        const int64_t imageSize = model->inputSize();
        for (size_t first = 0; first < test.size(); first += size_t(o.batch)) {
            const int n = int(std::min(test.size(), first + size_t(o.batch)) - first);
            const std::vector<float> images(test.image(first),
                                            test.image(first) + int64_t(n) * imageSize);
            const auto results = runner.run(images, n, options);
            for (int i = 0; i < n; ++i) {
                const CollaborativeResult& r = results[size_t(i)];
                correct += r.predicted == test.labels()[first + size_t(i)];
                fellBack += r.fellBack;
                cloudUsed += r.cloudUsed;
                if (r.cloudUsed) { // bytes and time only of calls that reached the cloud
                    wire += double(r.wireBytes);
                    request += double(r.requestBytes);
                    cloudMs += r.cloudMilliseconds;
                }
                if (r.fellBack && firstReason.empty())
                    firstReason = r.fallbackReason;
            }
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double count = double(std::max<size_t>(1, test.size()));
        std::cout << "share " << o.share << ": accuracy "
                  << TablePrinter::num(100.0 * double(correct) / count, 2) << "% on " << test.size()
                  << " images; cloud used for " << cloudUsed << ", fell back for " << fellBack
                  << "\nmean tensor bytes/sample sent " << TablePrinter::num(wire / count, 0)
                  << ", HTTP request body "
                  << TablePrinter::num(request / double(std::max<size_t>(1, cloudUsed)), 0)
                  << " B per cloud call, "
                  << "cloud round trip "
                  << TablePrinter::num(cloudMs / double(std::max<size_t>(1, cloudUsed)), 2)
                  << " ms; total " << TablePrinter::num(seconds, 2) << " s\n";
        if (fellBack)
            std::cout << "first fallback reason: " << firstReason << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: attention run failed: " << e.what() << "\n";
        return 1;
    }
}

void addAttentionCommand(CLI::App& app) {
    auto* attention = app.add_subcommand(
        "attention", "Attention-based edge/cloud split (DVFO): train, evaluate, export");
    attention->require_subcommand(1);

    auto t = std::make_shared<AttentionTrainOptions>();
    auto* train = attention->add_subcommand(
        "train", "Train a split model with its attention module on Fashion-MNIST");
    train->add_option("--model", t->model, "small_cnn | resnet_mini")
        ->check(CLI::IsMember(AttentionSplit::models()))
        ->capture_default_str();
    train->add_option("--split", t->split, "Unit after which to split (default: pool1 / layer1)");
    train->add_option("--epochs", t->epochs, "Epochs")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    train->add_option("--out", t->out, "Checkpoint directory")->capture_default_str();
    train->add_option("--data", t->data,
                      "Fashion-MNIST directory (default $DVFO_FASHION_MNIST_DIR or "
                      "/usr/share/datasets/fashion-mnist)");
    train->add_option("--batch-size", t->batchSize, "Batch size")
        ->check(CLI::Range(2, 4096))
        ->capture_default_str();
    train->add_option("--lr", t->learningRate, "Adam learning rate")->capture_default_str();
    train->add_option("--train-limit", t->trainLimit,
                      "Use only the first N training images (0 = all)");
    train->add_option("--seed", t->seed, "Weights, shuffling and share sampling")
        ->capture_default_str();
    train->add_option("--threads", t->threads, "LibTorch intra-op threads (0 = default)");
    train->add_flag("--quiet", t->quiet, "No progress bar");
    train->callback([t] { throw CLI::RuntimeError(runAttentionTrain(*t)); });

    auto e = std::make_shared<AttentionEvaluateOptions>();
    auto* evaluate = attention->add_subcommand(
        "evaluate", "Accuracy and bytes sent per offload share (0, 0.1, ..., 1)");
    evaluate->add_option("--checkpoint", e->checkpoint, "Checkpoint directory")->required();
    evaluate->add_option("--data", e->data, "Fashion-MNIST directory");
    evaluate->add_option("--test-limit", e->testLimit,
                         "Use only the first N test images (0 = all 10,000)");
    evaluate
        ->add_option("--zero-skip", e->zeroSkip,
                     "Do not send offloaded maps with max |x| below this (0 = off)")
        ->check(CLI::Range(0.0f, 1e6f));
    evaluate->add_option("--json", e->json, "Also write the report as JSON");
    evaluate->add_option("--threads", e->threads, "LibTorch intra-op threads (0 = default)");
    evaluate->callback([e] { throw CLI::RuntimeError(runAttentionEvaluate(*e)); });

    auto x = std::make_shared<AttentionExportOptions>();
    auto* exportTriton = attention->add_subcommand(
        "export-triton", "Write the cloud tail as a Triton model repository");
    exportTriton->add_option("--checkpoint", x->checkpoint, "Checkpoint directory")->required();
    exportTriton->add_option("--out", x->out, "Model repository directory")->required();
    exportTriton->add_option("--name", x->name, "Model name")->capture_default_str();
    exportTriton->callback([x] { throw CLI::RuntimeError(runAttentionExport(*x)); });

    auto r = std::make_shared<AttentionRunOptions>();
    auto* run = attention->add_subcommand(
        "run", "Collaborative inference on test images against a running dvfo-cloud");
    run->add_option("--checkpoint", r->checkpoint, "Checkpoint directory")->required();
    run->add_option("--cloud", r->cloud, "dvfo-cloud address")->capture_default_str();
    run->add_option("--model-name", r->modelName, "Model name on the server")
        ->capture_default_str();
    run->add_option("--data", r->data, "Fashion-MNIST directory");
    run->add_option("--share", r->share, "Offload share")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    run->add_option("--zero-skip", r->zeroSkip, "Zero-skipping threshold (0 = off)");
    run->add_option("--samples", r->samples, "Test images")->capture_default_str();
    run->add_option("--batch", r->batch, "Images per edge batch")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    run->add_option("--connect-timeout", r->connectTimeout, "Seconds")->capture_default_str();
    run->add_option("--read-timeout", r->readTimeout, "Seconds")->capture_default_str();
    run->add_flag("--json-tensors", r->json, "JSON tensors instead of the binary extension");
    run->callback([r] { throw CLI::RuntimeError(runAttentionRun(*r)); });
}

} // namespace dvfo::cli
