#include "app/studio/translationloader.h"
#include "widgets/attentionpanel.h"
#include "widgets/boardspanel.h"
#include "widgets/fleetmodel.h"
#include "widgets/fleetpanel.h"
#include "widgets/mainwindow.h"
#include "widgets/profilepanel.h"
#include "widgets/resultspanel.h"
#include "widgets/trainingpanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <algorithm>
#include <memory>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    // Before any widget exists: widgets set their texts once, in their constructors.
    dvfo::installTranslations(app);
    QApplication::setApplicationName(QStringLiteral("DVFO Studio"));
    QApplication::setOrganizationName(QStringLiteral("dvfo"));
    QApplication::setApplicationVersion(QStringLiteral(DVFO_VERSION));

    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addVersionOption();
    QCommandLineOption connectOpt("connect",
                                  "Connect this board at start, e.g. emulated:xavier-nx.", "board");
    QCommandLineOption shotOpt(
        "screenshot", "Save a PNG of the window once connected, then quit (docs, CI).", "file");
    cli.addOption(connectOpt);
    cli.addOption(shotOpt);
    QCommandLineOption attentionOpt(
        "attention", "Open the Attention tab with this checkpoint directory.", "checkpoint");
    QCommandLineOption attentionReportOpt(
        "attention-report",
        "Accuracy-vs-share curve from `dvfo attention evaluate --json` instead of "
        "evaluating on load.",
        "file");
    QCommandLineOption attentionShareOpt(
        "attention-share", "Offload share shown in the Attention tab (0..1).", "share");
    QCommandLineOption attentionSampleOpt("attention-sample",
                                          "Test image shown in the Attention tab.", "index");
    cli.addOption(attentionOpt);
    cli.addOption(attentionReportOpt);
    cli.addOption(attentionShareOpt);
    cli.addOption(attentionSampleOpt);
    QCommandLineOption profileOpt(
        "profile", "Open the Profile tab and sweep this board at start, e.g. emulated:xavier-nx.",
        "board");
    QCommandLineOption modelOpt("model",
                                "Model for --profile (resnet18, mobilenet_v2, vgg11, small_cnn).",
                                "model", "resnet18");
    QCommandLineOption planOpt(
        "plan", "Plan for --profile: all, max, min, grid:NxMxK, adaptive:NxMxK+B, list:...", "plan",
        "grid:3x3x2");
    QCommandLineOption warmupOpt("warmup", "Warm-up runs per layer and tuple for --profile.", "n",
                                 "1");
    QCommandLineOption repeatOpt("repeat", "Timed runs per layer and tuple for --profile.", "n",
                                 "5");
    QCommandLineOption workspaceOpt(
        "workspace", "Workspace database (default ~/.local/share/dvfo/workspace.db).", "file");
    QCommandLineOption resultsShotOpt(
        "results-screenshot",
        "With --profile and --screenshot: also save the Results tab of the sweep.", "file");
    for (const auto& o :
         {profileOpt, modelOpt, planOpt, warmupOpt, repeatOpt, workspaceOpt, resultsShotOpt})
        cli.addOption(o);
    QCommandLineOption trainSessionOpt(
        "train-session", "Open the Training tab and train on this profile session.", "id");
    QCommandLineOption trainStepsOpt("train-steps", "Steps for --train-session.", "n", "3000");
    QCommandLineOption trainEpisodeOpt("train-episode-steps", "Episode length for --train-session.",
                                       "n", "100");
    QCommandLineOption trainTraceOpt("train-trace", "Link trace for --train-session.", "spec",
                                     "field");
    QCommandLineOption trainShotOpt("screenshot-training",
                                    "With --train-session: save the Training tab once trained, "
                                    "evaluated and through the suite, then quit.",
                                    "file");
    QCommandLineOption trainEtaOpt("train-eta", "eta (energy weight) for --train-session.", "eta",
                                   "0.5");
    for (const auto& o : {trainSessionOpt, trainStepsOpt, trainEpisodeOpt, trainTraceOpt,
                          trainEtaOpt, trainShotOpt})
        cli.addOption(o);
    QCommandLineOption fleetShotOpt(
        "fleet-screenshot",
        "Open the Fleet tab, connect the --fleet-board boards, save a PNG once their "
        "runtimes' telemetry has come in for --fleet-wait-s seconds, then quit.",
        "file");
    QCommandLineOption fleetBoardOpt("fleet-board", "Board for --fleet-screenshot (repeatable).",
                                     "board", "emulated:xavier-nx");
    QCommandLineOption fleetWaitOpt(
        "fleet-wait-s",
        "With --fleet-screenshot: seconds of live telemetry shown after the first records.",
        "seconds", "10");
    for (const auto& o : {fleetShotOpt, fleetBoardOpt, fleetWaitOpt})
        cli.addOption(o);
    cli.process(app);

    dvfo::MainWindow w(nullptr, {}, cli.value(workspaceOpt));
    w.show();
    if (cli.isSet(connectOpt)) {
        w.boardsPanel()->selectBoard(cli.value(connectOpt));
        w.boardsPanel()->connectSelected();
    }
    if (cli.isSet(attentionOpt)) {
        dvfo::AttentionPanel* attention = w.attentionPanel();
        w.tabs()->setCurrentWidget(attention);
        w.resize(std::max(w.width(), 1600), std::max(w.height(), 1000)); // room for five plots
        if (cli.isSet(attentionShareOpt))
            attention->setShare(cli.value(attentionShareOpt).toDouble());
        if (cli.isSet(attentionSampleOpt)) // applied once the model is in (the range is known then)
            QObject::connect(attention, &dvfo::AttentionPanel::modelLoaded, attention,
                             [attention, i = cli.value(attentionSampleOpt).toInt()] {
                                 attention->showSample(i);
                             });
        attention->setCheckpointDirectory(cli.value(attentionOpt));
        attention->loadCheckpoint(cli.value(attentionOpt));
        if (cli.isSet(attentionReportOpt))
            attention->loadReport(cli.value(attentionReportOpt));
    }
    if (cli.isSet(profileOpt)) {
        dvfo::ProfilePanel* profile = w.profilePanel();
        w.tabs()->setCurrentWidget(profile);
        w.resize(std::max(w.width(), 1400), std::max(w.height(), 900));
        profile->setBoard(cli.value(profileOpt));
        profile->setModel(cli.value(modelOpt));
        profile->setPlan(cli.value(planOpt));
        profile->setWarmup(cli.value(warmupOpt).toInt());
        profile->setRepeat(cli.value(repeatOpt).toInt());
        if (!profile->start())
            qWarning("dvfo-studio: %s", qPrintable(profile->statusText()));
    }
    if (cli.isSet(shotOpt)) {
        const QString file = cli.value(shotOpt);
        auto shoot = [&w, file] {
            w.grab().save(file);
            QApplication::quit();
        };
        if (!cli.isSet(profileOpt)) // a sweep connects its board too: shoot when it ends instead
            QObject::connect(w.boardsPanel(), &dvfo::BoardsPanel::sessionConnected, &w,
                             [shoot] { QTimer::singleShot(500, shoot); });
        if (cli.isSet(attentionOpt))
            QObject::connect(w.attentionPanel(), &dvfo::AttentionPanel::ready, &w,
                             [shoot] { QTimer::singleShot(500, shoot); });
        if (cli.isSet(profileOpt)) {
            // Once the sweep has ended and its results are loaded: the Profile tab, then the
            // Results tab.
            const QString resultsFile = cli.value(resultsShotOpt);
            QObject::connect(w.resultsPanel(), &dvfo::ResultsPanel::loaded, &w,
                             [&w, file, resultsFile] {
                                 w.tabs()->setCurrentWidget(w.profilePanel());
                                 QTimer::singleShot(500, &w, [&w, file, resultsFile] {
                                     w.grab().save(file);
                                     if (resultsFile.isEmpty()) {
                                         QApplication::quit();
                                         return;
                                     }
                                     w.tabs()->setCurrentWidget(w.resultsPanel());
                                     QTimer::singleShot(800, &w, [&w, resultsFile] {
                                         w.grab().save(resultsFile);
                                         QApplication::quit();
                                     });
                                 });
                             });
        }
        const bool attentionEvaluates =
            cli.isSet(attentionOpt) && !cli.isSet(attentionReportOpt); // minutes
        QTimer::singleShot(cli.isSet(profileOpt) ? 900000
                           : attentionEvaluates  ? 300000
                                                 : 60000,
                           &w,
                           shoot); // never hang a docs/CI run
    }
    if (cli.isSet(trainSessionOpt)) {
        dvfo::TrainingPanel* training = w.trainingPanel();
        w.tabs()->setCurrentWidget(training);
        w.resize(std::max(w.width(), 1600), std::max(w.height(), 1000));
        if (!training->setSession(cli.value(trainSessionOpt).toLongLong()))
            qWarning("dvfo-studio: the workspace has no profile session %s with data",
                     qPrintable(cli.value(trainSessionOpt)));
        training->setSteps(cli.value(trainStepsOpt).toInt());
        training->setEpisodeSteps(cli.value(trainEpisodeOpt).toInt());
        training->setTrace(cli.value(trainTraceOpt));
        training->setEta(cli.value(trainEtaOpt).toDouble());
        if (!training->start())
            qWarning("dvfo-studio: %s", qPrintable(training->statusText()));
        if (cli.isSet(trainShotOpt)) {
            const QString file = cli.value(trainShotOpt);
            auto shoot = [&w, file] {
                w.grab().save(file);
                QApplication::quit();
            };
            // Then the robustness suite of the same policy, and the picture once it is drawn.
            QObject::connect(training, &dvfo::TrainingPanel::policyShown, training,
                             [training](qint64 run) { training->runSuite(run); });
            QObject::connect(training, &dvfo::TrainingPanel::suiteShown, &w,
                             [shoot] { QTimer::singleShot(800, shoot); });
            QObject::connect(training, &dvfo::TrainingPanel::failed, &w,
                             [shoot] { QTimer::singleShot(300, shoot); });
            QTimer::singleShot(900000, &w, shoot); // never hang a docs/CI run
        }
    }
    if (cli.isSet(fleetShotOpt)) {
        dvfo::FleetPanel* fleet = w.fleetPanel();
        w.tabs()->setCurrentWidget(fleet);
        w.resize(std::max(w.width(), 1600), std::max(w.height(), 1000)); // room for three plots
        const QStringList boards = cli.values(fleetBoardOpt);
        fleet->selectBoard(boards.first()); // its decisions fill the third plot
        for (const QString& board : boards)
            fleet->connectBoard(board);
        const QString file = cli.value(fleetShotOpt);
        const int waitMs = int(cli.value(fleetWaitOpt).toDouble() * 1000);
        auto shoot = [&w, file] {
            w.grab().save(file);
            QApplication::quit();
        };
        // The first records arrive in one batch with the runtime's history; the wait shows live
        // ones too.
        auto waiting = std::make_shared<bool>(false);
        QObject::connect(fleet, &dvfo::FleetPanel::polled, &w,
                         [&w, fleet, waiting, waitMs, shoot](const QString& b) {
                             if (*waiting || fleet->model()->series(b).t.isEmpty())
                                 return;
                             *waiting = true;
                             QTimer::singleShot(waitMs, &w, shoot);
                         });
        QTimer::singleShot(waitMs + 120000, &w, shoot); // never hang a docs/CI run
    }
    return app.exec();
}
