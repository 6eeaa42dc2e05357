// dvfo-cloud: serves the cloud tail of a trained attention split (dvfo attention train) over the
// KServe v2 / Open Inference Protocol. See remote/cloud/cloudserver.h for the endpoints and
// remote/cloud/inferenceprotocol.h for the tensors.
#include "core/attentionsplit.h"
#include "core/dnnmodel.h"
#include "remote/cloud/cloudserver.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>

using namespace dvfo;

int main(int argc, char** argv) {
    CLI::App app{"dvfo-cloud: DVFO cloud tail server (KServe v2 / Open Inference Protocol over HTTP)"};
    std::string checkpoint;
    CloudServerOptions options;
    int torchThreads = 0;
    bool showVersion = false;
    app.add_flag("--version", showVersion, "Print the version");
    app.add_option("--checkpoint", checkpoint, "Checkpoint directory written by `dvfo attention train`");
    app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", options.port, "Port (0 = any free port, printed on start)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    app.add_option("--model-name", options.modelName, "Model name in the /v2/models/NAME URLs")->capture_default_str();
    app.add_option("--max-body-bytes", options.maxBodyBytes, "Larger request bodies get HTTP 413")
        ->check(CLI::Range(size_t(1024), size_t(1) << 30))
        ->capture_default_str();
    app.add_option("--threads", options.threads, "HTTP worker threads (concurrent requests)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--torch-threads", torchThreads, "LibTorch intra-op threads (0 = LibTorch default)")
        ->check(CLI::Range(0, 256));
    CLI11_PARSE(app, argc, argv);
    if (showVersion) {
        std::cout << "dvfo-cloud " << DVFO_VERSION << "\n";
        return 0;
    }
    if (checkpoint.empty()) {
        std::cerr << "dvfo-cloud: --checkpoint is required\n";
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
        std::shared_ptr<const AttentionSplit> model = AttentionSplit::load(checkpoint);
        CloudServer server(model, options);
        const int port = server.start();
        std::cout << "dvfo-cloud: serving " << options.modelName << " (" << model->describe() << ") at http://"
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
