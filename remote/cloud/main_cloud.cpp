// dvfo-cloud: serves the cloud tail of a trained attention split (dvfo attention train) over the
// KServe v2 / Open Inference Protocol. See remote/cloud/cloudserver.h for the endpoints and
// remote/cloud/inferenceprotocol.h for the tensors.
#include "core/attention/zoosplit.h"
#include "core/dnn/dnnmodel.h"
#include "remote/cloud/cloudserver.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>

using namespace dvfo;

int main(int argc, char** argv) {
    CLI::App app{
        "dvfo-cloud: DVFO cloud tail server (KServe v2 / Open Inference Protocol over HTTP)"};
    std::string checkpoint;
    CloudServerOptions options;
    int torchThreads = 0;
    bool showVersion = false;
    app.add_flag("--version", showVersion, "Print the version");
    std::string zooModel, splitLayer, emulateBoard;
    double cloudSpeedup = 20;
    app.add_option("--checkpoint", checkpoint,
                   "Checkpoint directory written by `dvfo attention train`");
    app.add_option(
        "--model", zooModel,
        "Serve the tail of this zoo model instead (resnet18, mobilenet_v2, vgg11, small_cnn; "
        "the zoo's deterministic weights, as the edge runtime has them)");
    app.add_option("--split", splitLayer, "Split layer of --model (default: the model's default)");
    app.add_option(
        "--emulate-board", emulateBoard,
        "Emulate a cloud GPU --cloud-speedup times faster than this emulated board at its "
        "highest clocks: report that as compute_ms (and the real time as wall_ms)");
    app.add_option("--cloud-speedup", cloudSpeedup, "With --emulate-board")->capture_default_str();
    app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", options.port, "Port (0 = any free port, printed on start)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    app.add_option("--model-name", options.modelName, "Model name in the /v2/models/NAME URLs")
        ->capture_default_str();
    app.add_option("--max-body-bytes", options.maxBodyBytes, "Larger request bodies get HTTP 413")
        ->check(CLI::Range(size_t(1024), size_t(1) << 30))
        ->capture_default_str();
    app.add_option("--request-timeout", options.requestTimeoutSeconds,
                   "Seconds a client has to send a whole request (slower ones get HTTP 408)")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--threads", options.threads, "HTTP worker threads (concurrent requests)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--torch-threads", torchThreads,
                   "LibTorch intra-op threads (0 = LibTorch default)")
        ->check(CLI::Range(0, 256));
    CLI11_PARSE(app, argc, argv);
    if (showVersion) {
        std::cout << "dvfo-cloud " << DVFO_VERSION << "\n";
        return 0;
    }
    if (checkpoint.empty() == zooModel.empty()) {
        std::cerr << "dvfo-cloud: give --checkpoint DIR or --model NAME\n";
        return 2;
    }

    // SIGINT/SIGTERM are blocked in every thread (the server's inherit the mask) and taken by
    // sigwait in main, which then stops the server cleanly.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client hanging up shows up as a failed write

    try {
        if (torchThreads > 0)
            DnnModel::setThreads(torchThreads);
        std::shared_ptr<const SplitModel> model = loadSplitModel(checkpoint, zooModel, splitLayer);
        { // one untimed forward pass: LibTorch's first run allocates and selects kernels
            CompressedFeatures warm;
            warm.shape = model->featureShape();
            (void)model->cloudTail(warm);
        }
        if (!emulateBoard.empty())
            options.emulatedComputeMs = emulatedTailMs(*model, emulateBoard, cloudSpeedup);
        CloudServer server(model, options);
        const int port = server.start();
        const std::string what =
            model->modelName() + " split after " + model->splitLayerName() +
            (options.emulatedComputeMs >= 0
                 ? ", emulated compute " + std::to_string(options.emulatedComputeMs) + " ms"
                 : std::string());
        std::cout << "dvfo-cloud: serving " << options.modelName << " (" << what << ") at http://"
                  << options.host << ":" << port << "/v2/models/" << options.modelName << std::endl;
        // The server runs on its own threads; this one just waits for SIGINT/SIGTERM.
        int sig = 0;
        sigwait(&signals, &sig);
        std::cerr << "dvfo-cloud: signal " << sig << ", stopping\n";
        server.stop();
        std::cerr << "dvfo-cloud: stopped after " << server.inferenceCount() << " inferences\n";
    } catch (const std::exception& e) {
        std::cerr << "dvfo-cloud: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
