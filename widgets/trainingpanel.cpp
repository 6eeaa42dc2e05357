#include "widgets/trainingpanel.h"

#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/trainingrunstore.h"
#include "widgets/policycomparisonplot.h"
#include "widgets/policymapplot.h"
#include "widgets/trainingcurvesplot.h"
#include "widgets/trainingrunlistmodel.h"
#include "widgets/trainingsuiteplot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace dvfo {

namespace {

const QString kTrainJob = QStringLiteral("train");
const QString kSuiteJob = QStringLiteral("suite");
const QString kLoadJob = QStringLiteral("load"); // open or evaluate: a newer one wins

struct PolicyView {
    std::vector<PolicyMapPoint> map;
    double mapRttMs = TrainingPanel::kMapRttMs;
    std::vector<PolicyEvaluation> evaluation;
};

// The exported policy of a run: its map and its comparison (needs the run's session).
PolicyView policyViewOf(const std::string& workspace, const TrainingRun& run) {
    PolicyView view;
    std::unique_ptr<DvfoEnvironment> env = PolicyTrainer::environmentOf(workspace, run);
    std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(run.policyDir);
    const PolicyMapSettings mapSettings = PolicyTrainer::mapSettingsFor(*env);
    view.mapRttMs = mapSettings.rttMs;
    view.map = PolicyTrainer::policyMap(*env, *policy, mapSettings);
    view.evaluation = PolicyTrainer::evaluate(*env, *policy, run);
    return view;
}

bool hasPolicy(const TrainingRun& run) {
    return !run.policyDir.empty() &&
           std::filesystem::exists(std::filesystem::path(run.policyDir) / "policy.json");
}

} // namespace

TrainingPanel::TrainingPanel(const QString& workspacePath, QWidget* parent)
    : QWidget(parent), workspacePath_(workspacePath) {
    session_ = new QComboBox;
    session_->setMinimumContentsLength(28);
    session_->setToolTip(
        tr("Profile session the environment is built from (Profile tab or `dvfo profile`)"));
    eta_ = new QDoubleSpinBox;
    eta_->setRange(0, 1);
    eta_->setSingleStep(0.05);
    eta_->setValue(0.5);
    eta_->setToolTip(tr("Weight of energy against latency in the cost (1 = energy only)"));
    slo_ = new QDoubleSpinBox;
    slo_->setRange(0, 100000);
    slo_->setSuffix(tr(" ms"));
    slo_->setSpecialValueText(tr("none"));
    slo_->setToolTip(tr("Latency SLO: a step above it costs the SLO penalty"));
    trace_ = new QComboBox;
    trace_->setEditable(true);
    trace_->addItem(QStringLiteral("field"));
    trace_->addItem(QStringLiteral("randomwalk:min=2,max=100,step=5,rtt=20"));
    trace_->addItem(QStringLiteral("randomwalk:min=5,max=400,step=20,rtt=2"));
    trace_->addItem(QStringLiteral("constant:50,20"));
    trace_->addItem(QStringLiteral("step:100,10;5,40@70;50,20@140"));
    trace_->setItemData(0,
                        tr("What boards meet (the default): walks on LAN, MEC, WAN and cellular "
                           "links, 0.2..1000 Mbit/s, RTT 1..300 ms, constant links, steps and "
                           "outages. Your csv traces too: mix:field@0.8;dir:FOLDER@0.2"),
                        Qt::ToolTipRole);
    trace_->setItemData(1, tr("Random walk of the bandwidth in 2..100 Mbit/s, RTT 20 ms"),
                        Qt::ToolTipRole);
    trace_->setItemData(2,
                        tr("Edge-cloud on a MEC network: random walk in 5..400 Mbit/s, RTT 2 ms"),
                        Qt::ToolTipRole);
    trace_->setItemData(3, tr("Constant 50 Mbit/s, 20 ms"), Qt::ToolTipRole);
    trace_->setItemData(
        4, tr("Steps: 100 Mbit/s, then 5 Mbit/s from step 70, 50 Mbit/s from step 140"),
        Qt::ToolTipRole);
    trace_->setToolTip(
        tr("Link trace: field | constant:BW,RTT | step:BW,RTT;BW,RTT@STEP | "
           "randomwalk:key=value,... | csv:FILE | dir:FOLDER | mix:SPEC@W;SPEC@W;..."));
    trace_->setMinimumContentsLength(30);
    energy_ = new QComboBox;
    energy_->addItem(tr("above idle"), QStringLiteral("above-idle"));
    energy_->addItem(tr("per inference (whole board)"), QStringLiteral("inference"));
    energy_->addItem(tr("per control period"), QStringLiteral("period"));
    energy_->setToolTip(
        tr("What energy counts in the cost: what an inference adds to the idling board (the idle "
           "floor is paid anyway), the whole board while it computes, or the whole board over the "
           "control period"));
    episodeSteps_ = new QSpinBox;
    episodeSteps_->setRange(1, 1000000);
    episodeSteps_->setValue(200);
    steps_ = new QSpinBox;
    steps_->setRange(1, 100000000);
    steps_->setSingleStep(1000);
    steps_->setValue(int(PolicyTrainerSettings::kDefaultSteps));
    concurrent_ = new QCheckBox(tr("Concurrent (thinking while moving)"));
    start_ = new QPushButton(tr("Start"));
    stop_ = new QPushButton(tr("Stop"));
    resume_ = new QPushButton(tr("Resume"));
    evaluate_ = new QPushButton(tr("Evaluate"));
    open_ = new QPushButton(tr("Open"));
    suiteButton_ = new QPushButton(tr("Suite"));
    reportButton_ = new QPushButton(tr("Paper report…"));
    reportButton_->setToolTip(
        tr("Open a dvfo report (index.html: DVFO against the paper's baselines over boards, "
           "models and link families); without one, the status shows the command that makes it "
           "for the selected run's board and model"));
    suiteButton_->setToolTip(
        tr("Robustness suite of the selected run's policy: its gap to the oracle per link family "
           "(constant grid, steps, walks with a walking RTT, WAN, LAN, MEC, outages), next to the "
           "best baseline (as dvfo evaluate --suite)"));
    resume_->setToolTip(tr("Continue the selected cancelled or failed run from its checkpoint"));
    evaluate_->setToolTip(tr("Policy map and comparison of the selected run's exported policy"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("%v / %m steps"));
    progress_->setMinimumWidth(220);
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QGroupBox(tr("New training run"));
    auto* grid = new QGridLayout(form);
    grid->addWidget(new QLabel(tr("Session")), 0, 0);
    grid->addWidget(session_, 0, 1, 1, 3);
    grid->addWidget(new QLabel(tr("Trace")), 0, 4);
    grid->addWidget(trace_, 0, 5, 1, 3);
    grid->addWidget(new QLabel(tr("eta")), 1, 0);
    grid->addWidget(eta_, 1, 1);
    grid->addWidget(new QLabel(tr("SLO")), 1, 2);
    grid->addWidget(slo_, 1, 3);
    grid->addWidget(new QLabel(tr("Episode steps")), 1, 4);
    grid->addWidget(episodeSteps_, 1, 5);
    grid->addWidget(new QLabel(tr("Steps")), 1, 6);
    grid->addWidget(steps_, 1, 7);
    grid->addWidget(concurrent_, 0, 8);
    grid->addWidget(new QLabel(tr("Energy")), 2, 0);
    grid->addWidget(energy_, 2, 1, 1, 3);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {start_, stop_, resume_, evaluate_, suiteButton_})
        buttons->addWidget(b);
    grid->addLayout(buttons, 1, 8);
    grid->setColumnStretch(5, 1);

    runsModel_ = new TrainingRunListModel(this);
    runsView_ = new QTableView;
    runsView_->setModel(runsModel_);
    runsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    runsView_->setSelectionMode(QAbstractItemView::SingleSelection);
    runsView_->verticalHeader()->hide();
    // Run, session and status readable without scrolling; the long name is elided (tooltip and
    // the user's own resizing show the rest).
    runsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    runsView_->horizontalHeader()->setSectionResizeMode(TrainingRunListModel::Name,
                                                        QHeaderView::Interactive);
    runsView_->setColumnWidth(TrainingRunListModel::Name, 170);
    runsView_->setTextElideMode(Qt::ElideMiddle);
    runsView_->setColumnHidden(TrainingRunListModel::Board,
                               true); // the name says it; keeps the list narrow
    runsView_->setColumnHidden(TrainingRunListModel::Model, true);
    auto* runsBox = new QGroupBox(tr("Training runs (double-click to open)"));
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->addWidget(runsView_);
    auto* runButtons = new QHBoxLayout;
    runButtons->addWidget(open_);
    runButtons->addWidget(reportButton_);
    runsLayout->addLayout(runButtons);

    curves_ = new TrainingCurvesPlot;
    map_ = new PolicyMapPlot;
    comparison_ = new PolicyComparisonPlot;
    suite_ = new TrainingSuitePlot;
    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(map_);
    lower->addWidget(comparison_);
    lower->addWidget(suite_);
    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(curves_);
    plots->addWidget(lower);
    plots->setStretchFactor(0, 1);
    plots->setStretchFactor(1, 1);
    plots->setSizes({420, 460});
    lower->setSizes({330, 360, 590});
    auto* main = new QSplitter(Qt::Horizontal);
    main->addWidget(runsBox);
    main->addWidget(plots);
    main->setStretchFactor(0, 1);
    main->setStretchFactor(1, 4);
    main->setSizes({430, 1170});

    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(progress_);
    statusRow->addWidget(status_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(form);
    layout->addLayout(statusRow);
    layout->addWidget(main, 1);

    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(stop_, &QPushButton::clicked, this, &TrainingPanel::stop);
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (const int64_t id = selectedRunId())
            resume(id);
    });
    connect(evaluate_, &QPushButton::clicked, this, [this] {
        if (const int64_t id = selectedRunId() ? selectedRunId() : currentRun_)
            evaluateRun(id);
    });
    connect(suiteButton_, &QPushButton::clicked, this, [this] {
        if (const int64_t id = selectedRunId() ? selectedRunId() : currentRun_)
            runSuite(id);
    });
    connect(reportButton_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Report directory (dvfo report --out)"), QStringLiteral("docs/report"));
        if (!dir.isEmpty())
            openReport(dir);
    });
    connect(open_, &QPushButton::clicked, this, [this] {
        if (const int64_t id = selectedRunId())
            openRun(id);
    });
    connect(runsView_, &QTableView::doubleClicked, this,
            [this](const QModelIndex& i) { openRun(runsModel_->run(i.row()).id); });
    connect(runsView_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrainingPanel::updateButtons);

    reloadSessions();
    reloadRuns();
    setStatus(tr("Choose a profile session and press Start, or open a stored run."));
    updateButtons();
}

// jobs_ goes first: it cancels training (a checkpoint is saved) and the suite (it stops between
// traces), and waits for them and any loader.
TrainingPanel::~TrainingPanel() = default;

void TrainingPanel::reloadSessions() {
    const int64_t previous = session_->currentData().toLongLong();
    session_->clear();
    try {
        ProfileStore store(workspacePath_.toStdString());
        for (const SessionInfo& s : store.sessions()) {
            if (s.completedTupleCount == 0)
                continue; // nothing to train on
            session_->addItem(
                tr("#%1 %2 on %3 (%4 tuples)")
                    .arg(s.id)
                    .arg(QString::fromStdString(s.model), QString::fromStdString(s.boardName))
                    .arg(s.completedTupleCount),
                qlonglong(s.id));
        }
    } catch (const std::exception& e) {
        setStatus(tr("Cannot read the workspace: %1").arg(QString::fromStdString(e.what())), true);
    }
    if (session_->count() == 0)
        session_->addItem(tr("(no profile session: profile a board first)"), qlonglong(0));
    else if (previous)
        setSession(previous);
    updateButtons();
}

void TrainingPanel::reloadRuns() {
    const int64_t selected = selectedRunId();
    try {
        TrainingRunStore store(workspacePath_.toStdString());
        runsModel_->setRuns(store.runs());
    } catch (const std::exception& e) {
        setStatus(tr("Cannot read the training runs: %1").arg(QString::fromStdString(e.what())),
                  true);
    }
    const int row = runsModel_->rowOf(selected ? selected : currentRun_);
    if (row >= 0)
        runsView_->selectRow(row);
    updateButtons();
}

bool TrainingPanel::setSession(int64_t id) {
    const int i = session_->findData(qlonglong(id));
    if (i < 0 || id == 0)
        return false;
    session_->setCurrentIndex(i);
    return true;
}

void TrainingPanel::setEta(double eta) {
    eta_->setValue(eta);
}
void TrainingPanel::setSloMs(double ms) {
    slo_->setValue(ms);
}
void TrainingPanel::setTrace(const QString& spec) {
    trace_->setCurrentText(spec);
}
void TrainingPanel::setEpisodeSteps(int steps) {
    episodeSteps_->setValue(steps);
}
void TrainingPanel::setSteps(int steps) {
    steps_->setValue(steps);
}
void TrainingPanel::setConcurrent(bool on) {
    concurrent_->setChecked(on);
}

PolicyTrainerSettings TrainingPanel::formSettings() const {
    PolicyTrainerSettings s;
    s.workspacePath = workspacePath_.toStdString();
    s.sessionId = session_->currentData().toLongLong();
    s.environment.eta = eta_->value();
    s.environment.sloMs = slo_->value();
    s.environment.energy = energy_->currentData().toString().toStdString();
    s.environment.trace = trace_->currentText().trimmed().toStdString();
    s.environment.episodeSteps = episodeSteps_->value();
    s.steps = steps_->value();
    s.concurrent = concurrent_->isChecked();
    return s;
}

QString TrainingPanel::statusText() const {
    return status_->text();
}

QString TrainingPanel::reportCommand(const QString& outDirectory) const {
    const int row = runsModel_->rowOf(selectedRunId());
    if (row < 0)
        return {};
    const TrainingRun& run = runsModel_->run(row);
    return QStringLiteral("dvfo report --quick --boards %1 --models %2 --db %3 --out %4")
        .arg(QString::fromStdString(run.board), QString::fromStdString(run.model), workspacePath_,
             outDirectory);
}

bool TrainingPanel::openReport(const QString& directory) {
    const QString index = QDir(directory).filePath(QStringLiteral("index.html"));
    if (directory.isEmpty() || !QFileInfo(index).isFile()) {
        const QString command =
            reportCommand(directory.isEmpty() ? QStringLiteral("report") : directory);
        setStatus(command.isEmpty()
                      ? tr("No report in %1. Select a run to see the command that makes one.")
                            .arg(directory)
                      : tr("No report in %1. Make one with: %2").arg(directory, command),
                  true);
        return false;
    }
    setStatus(tr("Report: %1").arg(index));
    QDesktopServices::openUrl(QUrl::fromLocalFile(index));
    return true;
}

void TrainingPanel::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? QStringLiteral("color: #b41e1e;") : QString());
}

bool TrainingPanel::isTraining() const {
    return jobs_.isBusy(kTrainJob);
}

bool TrainingPanel::isRunningSuite() const {
    return jobs_.isBusy(kSuiteJob);
}

int64_t TrainingPanel::selectedRunId() const {
    const QModelIndexList rows = runsView_->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : runsModel_->run(rows.front().row()).id;
}

void TrainingPanel::updateButtons() {
    const bool training = isTraining();
    const int row = runsModel_->rowOf(selectedRunId());
    const bool resumable = row >= 0 && (runsModel_->run(row).status == TrainingStatus::Cancelled ||
                                        runsModel_->run(row).status == TrainingStatus::Failed);
    start_->setEnabled(!training && session_->currentData().toLongLong() > 0);
    stop_->setEnabled(training);
    resume_->setEnabled(!training && resumable);
    evaluate_->setEnabled(row >= 0 || currentRun_ > 0);
    suiteButton_->setEnabled(!isRunningSuite() && (row >= 0 || currentRun_ > 0));
    open_->setEnabled(row >= 0);
}

bool TrainingPanel::start() {
    if (isTraining()) {
        setStatus(tr("A training run is already going: stop it first."), true);
        return false;
    }
    const PolicyTrainerSettings s = formSettings();
    if (s.sessionId <= 0) {
        setStatus(tr("No profile session to train on: profile a board first (Profile tab)."), true);
        return false;
    }
    if (s.environment.trace.empty()) {
        setStatus(tr("Give a link trace, e.g. constant:50,20."), true);
        return false;
    }
    launchTraining(s);
    return true;
}

bool TrainingPanel::resume(int64_t runId) {
    if (isTraining()) {
        setStatus(tr("A training run is already going: stop it first."), true);
        return false;
    }
    PolicyTrainerSettings s;
    s.workspacePath = workspacePath_.toStdString();
    s.resumeRunId = runId; // everything else comes from the stored run
    launchTraining(s);
    return true;
}

void TrainingPanel::stop() {
    if (!isTraining())
        return;
    jobs_.cancel(kTrainJob);
    setStatus(tr("Stopping: saving a checkpoint…"));
}

void TrainingPanel::launchTraining(PolicyTrainerSettings settings) {
    jobs_.discard(kLoadJob); // whatever was being opened would now draw over the live run
    trainingRun_ = 0;
    curves_->clear();
    map_->setMap({}, kMapRttMs);
    comparison_->setEvaluation({});
    suite_->clear();
    progress_->setRange(0, 1);
    progress_->setValue(0);
    setStatus(settings.resumeRunId ? tr("Resuming run %1…").arg(settings.resumeRunId)
                                   : tr("Building the environment and the agent…"));
    jobs_.run(
        kTrainJob,
        [this, settings](const BackgroundJobs::Context& job) {
            int64_t runId = 0;
            try {
                PolicyTrainer trainer(settings);
                runId = trainer.runId();
                std::vector<TrainingPoint> earlier;
                if (trainer.resumed())
                    earlier = TrainingRunStore(settings.workspacePath).points(runId);
                const int64_t target = trainer.targetSteps();
                const int64_t startStep = trainer.agent().steps();
                const QString what =
                    QString::fromStdString(trainer.environment().profile().model() + " on " +
                                           trainer.environment().profile().board().name);
                job.report(
                    [this, runId, earlier, target, startStep, what, resumed = trainer.resumed()] {
                        trainingRun_ = currentRun_ = runId;
                        curves_->setPoints(earlier);
                        progress_->setRange(0, int(std::max<int64_t>(1, target)));
                        progress_->setValue(int(startStep));
                        setStatus(tr("%1 run %2: %3")
                                      .arg(resumed ? tr("Resumed") : tr("Training"))
                                      .arg(runId)
                                      .arg(what));
                        reloadRuns();
                        emit trainingStarted(runId);
                    });
                const PolicyTrainer::Outcome outcome = trainer.run(
                    job.cancelFlag(),
                    [this, &job, runId](const TrainingPoint& p) {
                        job.report([this, runId, p] {
                            if (currentRun_ == runId)
                                curves_->appendPoint(p);
                            progress_->setValue(
                                int(std::min<int64_t>(p.step, progress_->maximum())));
                            emit pointAdded(runId, p.step);
                        });
                    },
                    [this, &job](const PolicyTrainer::Outcome&) {
                        job.report([this] {
                            setStatus(tr("Trained; evaluating against the baselines…"));
                        });
                    });
                if (outcome.cancelled) {
                    const int64_t step = trainer.agent().steps();
                    job.report([this, runId, step] {
                        setStatus(
                            tr("Run %1 stopped at step %2: checkpoint saved, Resume continues it.")
                                .arg(runId)
                                .arg(step));
                        emit trainingFinished(runId, QStringLiteral("cancelled"));
                    });
                    return;
                }
                const PolicyMapSettings mapSettings =
                    PolicyTrainer::mapSettingsFor(trainer.environment());
                std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(trainer.policyDir());
                std::vector<PolicyMapPoint> map =
                    PolicyTrainer::policyMap(trainer.environment(), *policy, mapSettings);
                const double gap =
                    outcome.evaluation.empty() ? 0 : outcome.evaluation.front().gapToOraclePct;
                job.report([this, runId, map = std::move(map), rttMs = mapSettings.rttMs,
                            evaluation = outcome.evaluation, gap,
                            seconds = outcome.summary.wallSeconds] {
                    if (currentRun_ == runId) {
                        map_->setMap(map, rttMs);
                        comparison_->setEvaluation(evaluation);
                    }
                    setStatus(tr("Run %1 completed in %2 s; gap to the oracle %3 %.")
                                  .arg(runId)
                                  .arg(seconds, 0, 'f', 1)
                                  .arg(gap, 0, 'f', std::abs(gap) < 10 ? 2 : 1));
                    emit trainingFinished(runId, QStringLiteral("completed"));
                    emit policyShown(runId);
                });
            } catch (const std::exception& e) {
                const QString message = QString::fromStdString(e.what());
                job.report([this, runId, message] {
                    setStatus(tr("Training failed: %1").arg(message), true);
                    emit failed(message);
                    if (runId)
                        emit trainingFinished(runId, QStringLiteral("failed"));
                });
            }
        },
        [this] {
            trainingRun_ = 0;
            reloadRuns();
            updateButtons();
        });
    updateButtons();
}

void TrainingPanel::openRun(int64_t runId) {
    launchLoader(runId, true);
}

void TrainingPanel::evaluateRun(int64_t runId) {
    launchLoader(runId, false);
}

void TrainingPanel::launchLoader(int64_t runId, bool withCurves) {
    const std::string workspace = workspacePath_.toStdString();
    setStatus(withCurves ? tr("Opening run %1…").arg(runId) : tr("Evaluating run %1…").arg(runId));
    jobs_.run(
        kLoadJob,
        [this, workspace, runId,
         withCurves](const BackgroundJobs::Context& job) -> std::optional<PolicyView> {
            const TrainingRun run = TrainingRunStore(workspace).run(runId);
            if (withCurves) {
                std::vector<TrainingPoint> points = TrainingRunStore(workspace).points(runId);
                job.report([this, runId, points = std::move(points)] {
                    currentRun_ = runId;
                    curves_->setPoints(points);
                    map_->setMap({}, kMapRttMs);
                    comparison_->setEvaluation({});
                    suite_->clear();
                    emit runOpened(runId);
                });
            }
            if (!hasPolicy(run)) {
                const QString status = QString::fromStdString(toString(run.status));
                job.report([this, runId, status] {
                    setStatus(tr("Run %1 (%2) has no exported policy yet: resume it to the end "
                                 "of its budget "
                                 "for a policy map and a comparison.")
                                  .arg(runId)
                                  .arg(status));
                });
                return std::nullopt;
            }
            if (job.cancelled())
                return std::nullopt; // a newer request: its result would be dropped anyway
            return policyViewOf(workspace, run);
        },
        [this, runId](std::optional<PolicyView> view) {
            if (view) {
                currentRun_ = runId;
                map_->setMap(view->map, view->mapRttMs);
                comparison_->setEvaluation(view->evaluation);
                setStatus(
                    tr("Run %1: policy map and comparison of its exported policy.").arg(runId));
                emit policyShown(runId);
            }
            updateButtons();
        },
        [this, runId](const QString& message) {
            setStatus(tr("Cannot open run %1: %2").arg(runId).arg(message), true);
            emit failed(message);
            updateButtons();
        });
}

void TrainingPanel::runSuite(int64_t runId) {
    if (isRunningSuite()) {
        setStatus(tr("The suite is already running."), true);
        return;
    }
    const std::string workspace = workspacePath_.toStdString();
    const SuiteSettings settings = suiteSettings_;
    suite_->clear();
    suite_->setMessage(tr("Robustness suite of run %1: running…").arg(runId));
    setStatus(tr("Running the robustness suite of run %1…").arg(runId));
    jobs_.run(
        kSuiteJob,
        [this, workspace, runId, settings](const BackgroundJobs::Context& job) {
            try {
                const TrainingRun run = TrainingRunStore(workspace).run(runId);
                if (!hasPolicy(run))
                    throw std::runtime_error("run " + std::to_string(runId) +
                                             " has no exported policy yet");
                std::unique_ptr<DvfoEnvironment> env = PolicyTrainer::environmentOf(workspace, run);
                std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(run.policyDir);
                // Policies with training ranges are shown behind the runtime guard too.
                SuiteSettings guarded = settings;
                guarded.cancelled = [&job] { return job.cancelled(); };
                const nlohmann::json sidecar =
                    nlohmann::json::parse(policy->sidecarJson(), nullptr, false);
                if (sidecar.is_object() && sidecar.contains("trainingRanges"))
                    guarded.guard = PolicyGuard::fromSidecar(sidecar);
                std::vector<SuiteFamilyResult> results =
                    EvaluationSuite::runLike(*env, policy.get(), guarded);
                if (job.cancelled())
                    return;
                const std::string name = policy->name();
                job.report([this, runId, name, results = std::move(results)] {
                    suite_->setResults(results, name);
                    const int worst = suite_->worstFamily();
                    if (worst >= 0)
                        setStatus(
                            tr("Run %1 over the robustness suite: worst family %2, %3 % above "
                               "the oracle.")
                                .arg(runId)
                                .arg(QString::fromStdString(results[size_t(worst)].family))
                                .arg(results[size_t(worst)].gapOf(name), 0, 'f', 2));
                    emit suiteShown(runId);
                });
            } catch (const std::exception& e) {
                const QString message = QString::fromStdString(e.what());
                job.report([this, runId, message] {
                    suite_->setMessage(tr("Robustness suite of run %1 failed").arg(runId));
                    setStatus(tr("The suite of run %1 failed: %2").arg(runId).arg(message), true);
                    emit failed(message);
                });
            }
        },
        [this] { updateButtons(); });
    updateButtons();
}

} // namespace dvfo
