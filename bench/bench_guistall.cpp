// The studio's responsiveness while it works: the longest event-loop stall of dvfo-studio's main
// window (offscreen) while a profiling sweep of the emulated board, a DQN training run and an
// attention training + evaluation run at the same time. A 5 ms timer on the GUI thread records
// how late each tick fires; a tick that fires d ms late means the user's clicks and repaints
// waited d ms. Goal (issue 16): no stall above 50 ms.
//   dvfo-bench-guistall [--steps N] [--plan SPEC] [--model NAME] [--jobs sweep,training,attention]
// (--jobs runs only some of the three concurrently, to attribute a stall to one of them)
#include "core/attentionstudy/fashionmnist.h"
#include "widgets/attentionpanel.h"
#include "widgets/mainwindow.h"
#include "widgets/profilepanel.h"
#include "widgets/trainingpanel.h"

#include <CLI/CLI.hpp>
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace dvfo;

namespace {

// Lateness of a fine-grained GUI-thread timer, per phase.
class StallProbe : public QObject {
public:
    static constexpr int kIntervalMs = 5;

    StallProbe() {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kIntervalMs);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 now = clock_.nsecsElapsed();
            if (last_ >= 0)
                lateMs_.push_back(std::max(0.0, (now - last_) / 1e6 - kIntervalMs));
            last_ = now;
        });
        clock_.start();
        timer_.start();
    }

    // The stalls recorded since the last call; starts a new phase.
    std::vector<double> takePhase() {
        std::vector<double> out;
        out.swap(lateMs_);
        return out;
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = -1;
    std::vector<double> lateMs_;
};

// Runs the event loop until done() or the timeout; true when done.
bool runUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

struct PhaseRow {
    std::string name;
    double seconds = 0;
    std::vector<double> lateMs;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    CLI::App cli{"Longest GUI event-loop stall while a sweep, a training run and an attention "
                 "run work (dvfo-studio's main window, offscreen)"};
    int steps = 3000;
    std::string plan = "grid:3x2x2";
    std::string model = "resnet18";
    std::vector<std::string> jobs = {"sweep", "training", "attention"};
    cli.add_option("--steps", steps, "DQN training steps")->capture_default_str();
    cli.add_option("--plan", plan, "profiling plan of each sweep")->capture_default_str();
    cli.add_option("--model", model, "model profiled by the second sweep")->capture_default_str();
    cli.add_option("--jobs", jobs, "what runs in the concurrent phase")
        ->delimiter(',')
        ->check(CLI::IsMember({"sweep", "training", "attention"}))
        ->capture_default_str();
    CLI11_PARSE(cli, argc, argv);
    auto wanted = [&](const char* job) {
        return std::find(jobs.begin(), jobs.end(), job) != jobs.end();
    };

    QApplication app(argc, argv);
    QTemporaryDir dir;
    MainWindow window(nullptr, dir.filePath("boards.json"), dir.filePath("workspace.db"));
    window.resize(1400, 900);
    window.show();
    ProfilePanel& profile = *window.profilePanel();
    TrainingPanel& training = *window.trainingPanel();
    AttentionPanel* attention = wanted("attention") ? window.attentionPanel() : nullptr;

    StallProbe probe;
    std::vector<PhaseRow> rows;
    QElapsedTimer phaseClock;
    auto endPhase = [&](const std::string& name) {
        rows.push_back({name, phaseClock.elapsed() / 1000.0, probe.takePhase()});
        phaseClock.restart();
    };
    auto sweepIdle = [&] { return profile.state() == ProfilePanel::State::Idle; };
    auto fail = [&](const std::string& what) {
        std::fprintf(stderr, "dvfo-bench-guistall: %s\n", what.c_str());
        return 1;
    };

    phaseClock.start();
    runUntil([] { return false; }, 2000);
    endPhase("idle window");

    // A first sweep alone: it also gives the training run a profile to train on.
    profile.setBoard(QStringLiteral("emulated:xavier-nx"));
    profile.setModel(QStringLiteral("small_cnn"));
    profile.setPlan(QString::fromStdString(plan));
    if (!profile.start())
        return fail("sweep refused: " + profile.statusText().toStdString());
    if (!runUntil(sweepIdle, 600000))
        return fail("the first sweep did not end");
    endPhase("sweep (small_cnn, " + plan + ")");

    // Everything at once.
    training.reloadSessions();
    if (!training.setSession(1))
        return fail("no session 1 to train on: " + training.statusText().toStdString());
    training.setEpisodeSteps(50);
    training.setSteps(steps);
    profile.setModel(QString::fromStdString(model));
    if (wanted("sweep") && !profile.start())
        return fail("second sweep refused: " + profile.statusText().toStdString());
    if (wanted("training") && !training.start())
        return fail("training refused: " + training.statusText().toStdString());
    bool attentionDone = attention == nullptr, attentionFailed = false;
    if (attention) {
        QObject::connect(attention, &AttentionPanel::trainingFinished,
                         [&](const QString&) { attention->evaluate(200); });
        QObject::connect(attention, &AttentionPanel::evaluationShown,
                         [&] { attentionDone = true; });
        QObject::connect(attention, &AttentionPanel::failed, [&](const QString& m) {
            std::fprintf(stderr, "dvfo-bench-guistall: attention: %s\n", qPrintable(m));
            attentionFailed = attentionDone = true;
        });
        attention->setDataDirectory(QString::fromStdString(FashionMnist::defaultDirectory()), 200);
        attention->setQuickTrainingImages(2048);
        // A fresh directory: the panel refuses to train over an existing checkpoint.
        attention->setCheckpointDirectory(dir.filePath(QStringLiteral("attention")));
        attention->trainQuickModel();
    }
    if (!runUntil([&] { return sweepIdle() && !training.isTraining() && attentionDone; }, 1800000))
        return fail("the concurrent phase did not end within 30 min");
    if (attentionFailed)
        return 1;
    std::string concurrent;
    if (wanted("sweep"))
        concurrent = "sweep (" + model + ")";
    if (wanted("training"))
        concurrent +=
            (concurrent.empty() ? "" : " + ") + ("training (" + std::to_string(steps) + " steps)");
    if (wanted("attention"))
        concurrent += (concurrent.empty() ? "" : " + ") + std::string("attention");
    endPhase(concurrent);

    std::printf("GUI event-loop stalls (a %d ms timer's lateness), dvfo-studio main window, "
                "offscreen\n\n",
                StallProbe::kIntervalMs);
    std::printf("%-58s %8s %8s %9s %9s %9s %10s\n", "phase", "time s", "ticks", "p50 ms", "p99 ms",
                "max ms", ">50 ms");
    double worst = 0;
    for (const auto& r : rows) {
        const double mx =
            r.lateMs.empty() ? 0 : *std::max_element(r.lateMs.begin(), r.lateMs.end());
        worst = std::max(worst, mx);
        const long over =
            std::count_if(r.lateMs.begin(), r.lateMs.end(), [](double d) { return d > 50; });
        std::printf("%-58s %8.1f %8zu %9.2f %9.2f %9.1f %10ld\n", r.name.c_str(), r.seconds,
                    r.lateMs.size(), percentile(r.lateMs, 0.5), percentile(r.lateMs, 0.99), mx,
                    over);
    }
    std::printf("\nlongest stall: %.1f ms (goal: under 50 ms)\n", worst);
    return 0;
}
