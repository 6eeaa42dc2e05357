#include "core/attentionstudy/tritonexporter.h"
#include "core/attention/attentionsplitimpl.h"

#include <c10/core/InferenceMode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {

namespace fs = std::filesystem;

std::string intList(c10::ArrayRef<int64_t> values) {
    std::string text = "[";
    for (size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + std::to_string(values[i]);
    return text + "]";
}

std::string floatLiteral(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    std::string text = s.str();
    if (text.find_first_of(".e") == std::string::npos)
        text += ".0"; // TorchScript needs a float literal for float arguments
    return text;
}

// Writes the TorchScript statements of a module tree, one aten call per layer, reading from and
// assigning to fresh variables, and registers every weight as a buffer `pN` of `target`
// (or just names it when `target` is null, for torchScriptSource()).
class ScriptWriter {
public:
    explicit ScriptWriter(torch::jit::Module* target) : target_(target) {}

    std::string code() const { return code_.str(); }
    void line(const std::string& text) { code_ << "    " << text << "\n"; }

    std::string emit(const torch::nn::Module& module, const std::string& input) {
        if (auto* seq = dynamic_cast<const torch::nn::SequentialImpl*>(&module)) {
            std::string x = input;
            for (const auto& child : seq->children())
                x = emit(*child, x);
            return x;
        }
        if (auto* conv = module.as<torch::nn::Conv2d>()) {
            const auto& o = conv->options;
            const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
            if (!padding || !c10::get_if<torch::enumtype::kZeros>(&o.padding_mode()))
                throw std::runtime_error(
                    "TorchScript export: only explicit zero padding is supported");
            // Parameters are named in statements of their own: operands of + are unsequenced,
            // and the buffers should be numbered in argument order.
            const std::string weight = param(conv->weight);
            const std::string bias = optionalParam(conv->bias);
            return assign("torch.conv2d(" + input + ", " + weight + ", " + bias + ", " +
                          intList(*o.stride()) + ", " + intList(**padding) + ", " +
                          intList(*o.dilation()) + ", " + std::to_string(o.groups()) + ")");
        }
        if (auto* bn = module.as<torch::nn::BatchNorm2d>()) {
            // Eval-mode batch norm: running statistics, no update.
            const std::string weight = optionalParam(bn->weight);
            const std::string bias = optionalParam(bn->bias);
            const std::string mean = param(bn->running_mean);
            const std::string var = param(bn->running_var);
            return assign("torch.batch_norm(" + input + ", " + weight + ", " + bias + ", " + mean +
                          ", " + var + ", False, 0.0, " + floatLiteral(bn->options.eps()) +
                          ", False)");
        }
        if (module.as<torch::nn::ReLU>())
            return assign("torch.relu(" + input + ")");
        if (auto* pool = module.as<torch::nn::MaxPool2d>()) {
            const auto& o = pool->options;
            return assign("torch.max_pool2d(" + input + ", " + intList(*o.kernel_size()) + ", " +
                          intList(*o.stride()) + ", " + intList(*o.padding()) + ", " +
                          intList(*o.dilation()) + ", " + (o.ceil_mode() ? "True" : "False") + ")");
        }
        if (auto* pool = module.as<torch::nn::AdaptiveAvgPool2d>()) {
            std::vector<int64_t> size;
            for (const auto& v : *pool->options.output_size()) {
                if (!v.has_value())
                    throw std::runtime_error(
                        "TorchScript export: adaptive pooling needs explicit output sizes");
                size.push_back(*v);
            }
            return assign("torch.adaptive_avg_pool2d(" + input + ", " + intList(size) + ")");
        }
        if (auto* flatten = module.as<torch::nn::Flatten>())
            return assign("torch.flatten(" + input + ", " +
                          std::to_string(flatten->options.start_dim()) + ", " +
                          std::to_string(flatten->options.end_dim()) + ")");
        if (auto* linear = module.as<torch::nn::Linear>()) {
            const std::string weight = param(linear->weight);
            const std::string bias = optionalParam(linear->bias);
            return assign("torch.linear(" + input + ", " + weight + ", " + bias + ")");
        }
        if (module.as<torch::nn::Dropout>())
            return input; // identity in eval mode
        if (auto* block = module.as<detail::ResidualBlock>()) {
            std::string y = emit(*block->conv1, input);
            y = emit(*block->bn1, y);
            y = assign("torch.relu(" + y + ")");
            y = emit(*block->conv2, y);
            y = emit(*block->bn2, y);
            std::string shortcut = input;
            if (block->shortcutConv)
                shortcut = emit(*block->shortcutBn, emit(*block->shortcutConv, input));
            return assign("torch.relu(" + y + " + " + shortcut + ")");
        }
        throw std::runtime_error("TorchScript export: unsupported layer " + module.name());
    }

private:
    std::string assign(const std::string& expression) {
        const std::string name = "v" + std::to_string(variables_++);
        line(name + " = " + expression);
        return name;
    }

    std::string param(const torch::Tensor& t) {
        const std::string name = "p" + std::to_string(params_++);
        if (target_)
            target_->register_buffer(name, t.detach().clone().contiguous());
        return "self." + name;
    }

    std::string optionalParam(const torch::Tensor& t) { return t.defined() ? param(t) : "None"; }

    torch::jit::Module* target_;
    std::ostringstream code_;
    int variables_ = 0;
    int params_ = 0;
};

// The whole forward: dequantise into a zero (1, C, H, W) tensor, run the tail, return (classes).
std::string forwardSource(const detail::AttentionSplitImpl& impl, torch::jit::Module* target) {
    ScriptWriter writer(target);
    const FeatureShape& f = impl.featureShape;
    writer.line("x = scales.new_zeros(" + intList({1, f.channels, f.height, f.width}) + ")");
    writer.line("if channels.numel() > 0:");
    writer.line("    deq = features.float() * scales.view([-1, 1, 1])");
    writer.line("    x.index_copy_(1, channels.long(), deq.unsqueeze(0))");
    std::string x = "x";
    for (const auto& unit : impl.net->cloudTail)
        x = writer.emit(*unit, x);
    writer.line("return " + x + "[0]");
    return "def forward(self, features: Tensor, scales: Tensor, channels: Tensor) -> Tensor:\n" +
           writer.code();
}

// Deterministic check inputs: a smooth pattern, compressed with nothing, half and all sent.
std::vector<CompressedFeatures> checkInputs(const FeatureShape& shape) {
    std::vector<float> sample(size_t(shape.elements()));
    for (size_t i = 0; i < sample.size(); ++i)
        sample[i] = float(std::max(0.0, std::sin(0.37 * double(i)) * 2.0));
    std::vector<CompressedFeatures> inputs;
    for (int64_t sent : {int64_t(0), shape.channels / 2, shape.channels}) {
        std::vector<int32_t> channels;
        for (int64_t c = 0; c < sent; ++c)
            channels.push_back(int32_t((c * 7) % shape.channels)); // not in index order
        std::sort(channels.begin(), channels.end());
        channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
        inputs.push_back(CompressedFeatures::compress(sample.data(), shape, channels));
    }
    return inputs;
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

} // namespace

std::string TritonExporter::torchScriptSource() const {
    return forwardSource(model_.impl(), nullptr);
}

std::string TritonExporter::configPbtxt(const std::string& modelName) const {
    const FeatureShape f = model_.featureShape();
    std::ostringstream s;
    s << "# Cloud tail of the DVFO attention split (" << model_.describe() << ").\n"
      << "# One sample per request; k = number of channels sent (may be 0).\n"
      << "name: \"" << modelName << "\"\n"
      << "platform: \"pytorch_libtorch\"\n"
      << "max_batch_size: 0\n"
      << "input [\n"
      << "  {\n    name: \"features\"\n    data_type: TYPE_INT8\n    dims: [ -1, " << f.height
      << ", " << f.width << " ]\n  },\n"
      << "  {\n    name: \"scales\"\n    data_type: TYPE_FP32\n    dims: [ -1 ]\n  },\n"
      << "  {\n    name: \"channels\"\n    data_type: TYPE_INT32\n    dims: [ -1 ]\n  }\n"
      << "]\n"
      << "output [\n"
      << "  {\n    name: \"logits\"\n    data_type: TYPE_FP32\n    dims: [ " << model_.classes()
      << " ]\n  }\n"
      << "]\n"
      << "instance_group [\n  {\n    kind: KIND_CPU\n    count: 1\n  }\n]\n";
    return s.str();
}

std::vector<float> TritonExporter::runTorchScript(const std::string& modelFile,
                                                  const CompressedFeatures& features) {
    c10::InferenceMode inferenceMode;
    torch::jit::Module module;
    try {
        module = torch::jit::load(modelFile);
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot load TorchScript " + modelFile + ": " +
                                 e.what_without_backtrace());
    }
    const int64_t k = features.sentChannels();
    torch::Tensor q = torch::empty({k, features.shape.height, features.shape.width}, torch::kInt8);
    std::copy(features.data.begin(), features.data.end(), q.data_ptr<int8_t>());
    torch::Tensor scales = torch::empty({k}, torch::kFloat32);
    std::copy(features.scales.begin(), features.scales.end(), scales.data_ptr<float>());
    torch::Tensor channels = torch::empty({k}, torch::kInt32);
    std::copy(features.channels.begin(), features.channels.end(), channels.data_ptr<int32_t>());
    const torch::Tensor out = module.forward({q, scales, channels}).toTensor().contiguous();
    return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

TritonExportResult TritonExporter::exportRepository(const std::string& repositoryDir,
                                                    const std::string& modelName) const {
    if (modelName.empty() || modelName.find('/') != std::string::npos)
        throw std::invalid_argument("invalid Triton model name '" + modelName + "'");
    TritonExportResult result;
    const fs::path modelDir = fs::path(repositoryDir) / modelName;
    std::error_code ec;
    fs::create_directories(modelDir / "1", ec);
    if (ec)
        throw std::runtime_error("cannot create " + (modelDir / "1").string() + ": " +
                                 ec.message());
    result.modelDirectory = modelDir.string();
    result.modelFile = (modelDir / "1" / "model.pt").string();
    result.configFile = (modelDir / "config.pbtxt").string();

    {
        c10::InferenceMode inferenceMode;
        torch::jit::Module module("DvfoCloudTail");
        const std::string source = forwardSource(model_.impl(), &module);
        try {
            module.define(source);
            module.eval();
            module.save(result.modelFile);
        } catch (const c10::Error& e) {
            throw std::runtime_error(std::string("TorchScript export failed: ") +
                                     e.what_without_backtrace());
        }
    }
    for (const CompressedFeatures& input : checkInputs(model_.featureShape())) {
        const std::vector<float> expected = model_.cloudTail(input);
        const std::vector<float> actual = runTorchScript(result.modelFile, input);
        if (actual.size() != expected.size())
            throw std::runtime_error("TorchScript self-check: " + std::to_string(actual.size()) +
                                     " outputs, expected " + std::to_string(expected.size()));
        for (size_t i = 0; i < actual.size(); ++i)
            result.maxAbsDifference =
                std::max(result.maxAbsDifference, double(std::fabs(actual[i] - expected[i])));
    }
    if (!(result.maxAbsDifference <= 1e-4))
        throw std::runtime_error("TorchScript self-check failed: max |difference| " +
                                 std::to_string(result.maxAbsDifference));

    writeText(result.configFile, configPbtxt(modelName));
    const FeatureShape f = model_.featureShape();
    std::ostringstream readme;
    readme << "# " << modelName << ": DVFO cloud tail for Triton\n\n"
           << "Model: " << model_.describe() << ".\n\n"
           << "`1/model.pt` is **TorchScript** (loadable with `torch.jit.load` / "
              "`torch::jit::load` and by\n"
           << "Triton's `pytorch_libtorch` backend). LibTorch cannot trace C++ modules, so `dvfo "
              "attention\n"
           << "export-triton` generated the forward below as TorchScript source, attached the "
              "trained weights\n"
           << "as buffers `p0`, `p1`, ... and compiled it with `torch::jit::Module::define`. After "
              "saving it\n"
           << "reloaded the file and compared it with the C++ cloud tail on check inputs: max "
              "|difference| = "
           << result.maxAbsDifference << ".\n\n"
           << "## Tensors (one sample per request, `max_batch_size: 0`)\n\n"
           << "| name | datatype | shape | meaning |\n|---|---|---|---|\n"
           << "| `features` (input) | INT8 | [k, " << f.height << ", " << f.width
           << "] | the k offloaded feature maps sent, quantised |\n"
           << "| `scales` (input) | FP32 | [k] | per-map scale: value = q * scale (scale = max abs "
              "/ 127) |\n"
           << "| `channels` (input) | INT32 | [k] | channel index (0.." << f.channels - 1
           << ") of each map; the others are zero |\n"
           << "| `logits` (output) | FP32 | [" << model_.classes()
           << "] | cloud-tail logits, fused on the edge |\n\n"
           << "Input names are the `forward` argument names (Triton's PyTorch naming convention); "
              "the model has a\n"
           << "single output, which Triton maps by position. `dvfo-cloud` serves the same tensors "
              "over the same\n"
           << "KServe v2 protocol from the training checkpoint (a LibTorch C++ `torch::save` "
              "archive).\n\n"
           << "## Generated forward\n\n```python\n"
           << forwardSource(model_.impl(), nullptr) << "```\n";
    writeText(modelDir / "README.md", readme.str());
    return result;
}

} // namespace dvfo
