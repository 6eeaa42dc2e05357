#include "core/report/reportplan.h"

#include "core/board/boardspec.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {

const std::vector<std::string> kZooModels = {"resnet18", "mobilenet_v2", "vgg11", "small_cnn"};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& i : items)
        out += (out.empty() ? "" : ",") + i;
    return out;
}

} // namespace

ReportPlan ReportPlan::make(bool quick, const std::vector<std::string>& boards,
                            const std::vector<std::string>& models) {
    ReportPlan p;
    p.quick = quick;
    const std::vector<std::string> knownBoards = BoardSpec::builtinIds();
    for (const std::string& b : boards)
        if (std::find(knownBoards.begin(), knownBoards.end(), b) == knownBoards.end())
            throw std::invalid_argument("unknown board '" + b +
                                        "' (built-in boards: " + joined(knownBoards) + ")");
    for (const std::string& m : models)
        if (std::find(kZooModels.begin(), kZooModels.end(), m) == kZooModels.end())
            throw std::invalid_argument("unknown model '" + m + "' (zoo: " + joined(kZooModels) +
                                        ")");
    p.boards = !boards.empty() ? boards
               : quick
                   ? std::vector<std::string>{"jetson-nano", "xavier-nx", "agx-orin"}
                   : std::vector<std::string>{"jetson-nano", "jetson-tx2", "xavier-nx", "agx-orin"};
    // VGG-11 is the slowest to profile (7.6 GFLOPs per run on this machine's CPU): full runs only.
    p.models = !models.empty() ? models
               : quick         ? std::vector<std::string>{"resnet18", "mobilenet_v2", "small_cnn"}
                               : kZooModels;
    const std::vector<SuiteFamily> all = EvaluationSuite::builtinFamilies();
    if (quick) {
        p.trainSteps = 6000;
        p.drlTrainSteps = 4000;
        p.evalSteps = 200;
        p.evalSeeds = {1001};
        for (const SuiteFamily& f : all) // one trace per family
            p.families.push_back({f.name, {f.traces.front()}});
        p.etaSweep = {0.1, 0.5, 0.9};
        p.bandwidthSweepMbps = {1, 10, 100, 1000};
        p.attentionTrainImages = 10000;
        p.attentionEpochs = 1;
        p.attentionTestImages = 2000;
    } else {
        p.families = all;
        p.etaSweep = {0.1, 0.3, 0.5, 0.7, 0.9};
        p.bandwidthSweepMbps = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    }
    return p;
}

std::string ReportPlan::sensitivityBoard() const {
    return std::find(boards.begin(), boards.end(), "xavier-nx") != boards.end() ? "xavier-nx"
                                                                                : boards.front();
}

std::string ReportPlan::sensitivityModel() const {
    return std::find(models.begin(), models.end(), "resnet18") != models.end() ? "resnet18"
                                                                               : models.front();
}

std::string ReportPlan::describe() const {
    std::ostringstream s;
    s << "dvfo report" << (quick ? " --quick" : "") << " --boards " << joined(boards)
      << " --models " << joined(models) << " --train-steps " << trainSteps << " --drl-steps "
      << drlTrainSteps << " --eval-steps " << evalSteps;
    const ReportPlan defaults = make(quick, boards, models);
    if (attentionTrainImages != defaults.attentionTrainImages ||
        attentionEpochs != defaults.attentionEpochs ||
        attentionTestImages != defaults.attentionTestImages)
        s << " --attention-train-images " << attentionTrainImages << " --attention-epochs "
          << attentionEpochs << " --attention-test-images " << attentionTestImages;
    if (twmSteps != defaults.twmSteps)
        s << " --twm-steps " << twmSteps;
    return s.str();
}

} // namespace dvfo
