#include "widgets/profilepanel.h"

#include "core/board/boardspec.h"
#include "core/dnn/dnnmodel.h"
#include "core/workspace/profilestore.h"
#include "core/workflow/sweepdriver.h"
#include "core/profile/sweepplanner.h"
#include "widgets/boardsession.h"
#include "widgets/boardsessionpool.h"
#include "widgets/interactiveplot.h"
#include "widgets/profileresultmodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <optional>

namespace dvfo {

namespace {
const QColor kRailColors[] = {QColor(214, 72, 40),  QColor(50, 100, 180), QColor(40, 150, 90),
                              QColor(150, 80, 170), QColor(200, 150, 30), QColor(90, 90, 90)};

} // namespace

ProfilePanel::ProfilePanel(ProfileStore* store, QWidget* parent, const QString& registryPath)
    : QWidget(parent), store_(store), registryPath_(registryPath), board_(new QComboBox),
      model_(new QComboBox), planKind_(new QComboBox), plan_(new QLineEdit), warmup_(new QSpinBox),
      repeat_(new QSpinBox), estimate_(new QLabel), status_(new QLabel), eta_(new QLabel),
      tupleLabel_(new QLabel), start_(new QPushButton(tr("&Start"))),
      pause_(new QPushButton(tr("&Pause"))), cancel_(new QPushButton(tr("Ca&ncel"))),
      resume_(new QPushButton(tr("&Resume"))), progress_(new QProgressBar),
      layerPlot_(new InteractivePlot), powerPlot_(new InteractivePlot), layerBars_(nullptr) {
    for (const auto& id : BoardSpec::builtinIds())
        board_->addItem(
            tr("%1 (emulated)").arg(QString::fromStdString(BoardSpec::builtin(id).name)),
            QStringLiteral("emulated:") + QString::fromStdString(id));
    try {
        BoardRegistry registry(registryPath.isEmpty() ? BoardRegistry::defaultPath()
                                                      : registryPath.toStdString());
        for (const auto& b : registry.boards())
            board_->addItem(QString::fromStdString(b.name), QString::fromStdString(b.name));
    } catch (const std::exception& e) {
        setStatus(tr("Board list unreadable: %1").arg(QString::fromStdString(e.what())));
    }
    for (const auto& m : DnnModel::available())
        model_->addItem(QString::fromStdString(m));
    planKind_->addItem(tr("grid"), QStringLiteral("grid:3x3x2"));
    planKind_->addItem(tr("adaptive"), QStringLiteral("adaptive:3x3x2+12"));
    planKind_->addItem(tr("all"), QStringLiteral("all"));
    planKind_->addItem(tr("list"), QStringLiteral("list:"));
    planKind_->addItem(tr("max"), QStringLiteral("max"));
    planKind_->addItem(tr("min"), QStringLiteral("min"));
    plan_->setText(QStringLiteral("grid:3x3x2"));
    plan_->setToolTip(
        tr("all | max | min | grid:NxMxK | adaptive:NxMxK+B | list:cpu/gpu/emc,... (kHz)"));
    warmup_->setRange(0, 100);
    warmup_->setValue(1);
    repeat_->setRange(1, 1000);
    repeat_->setValue(5);
    setBoard(QStringLiteral("emulated:xavier-nx"));
    setModel(QStringLiteral("resnet18"));

    auto* form = new QFormLayout;
    form->addRow(tr("Board"), board_);
    form->addRow(tr("Model"), model_);
    auto* planRow = new QHBoxLayout;
    planRow->addWidget(planKind_);
    planRow->addWidget(plan_, 1);
    form->addRow(tr("Plan"), planRow);
    auto* runs = new QHBoxLayout;
    runs->addWidget(new QLabel(tr("warm-up")));
    runs->addWidget(warmup_);
    runs->addWidget(new QLabel(tr("repeat")));
    runs->addWidget(repeat_);
    runs->addStretch();
    form->addRow(tr("Runs per layer"), runs);
    estimate_->setWordWrap(true);
    form->addRow(tr("Estimate"), estimate_);
    auto* settings = new QGroupBox(tr("Sweep"));
    settings->setLayout(form);

    auto* buttons = new QHBoxLayout;
    for (auto* b : {start_, pause_, cancel_, resume_})
        buttons->addWidget(b);
    buttons->addStretch();
    progress_->setFormat(tr("%v / %m layers"));
    progress_->setValue(0);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(settings);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(progress_);
    leftLayout->addWidget(eta_);
    leftLayout->addWidget(tupleLabel_);
    deviceLabel_ = new QLabel;
    deviceLabel_->setWordWrap(true);
    deviceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    deviceLabel_->hide();
    leftLayout->addWidget(deviceLabel_);
    leftLayout->addWidget(status_);
    leftLayout->addStretch();

    layerBars_ = new QCPBars(layerPlot_->xAxis, layerPlot_->yAxis);
    layerBars_->setWidth(0.7);
    layerBars_->setPen(QPen(QColor(50, 100, 180)));
    layerBars_->setBrush(QColor(70, 120, 200, 200));
    layerPlot_->yAxis->setLabel(tr("median latency (ms)"));
    layerPlot_->xAxis->setTickLabelRotation(60);
    layerPlot_->xAxis->grid()->setVisible(false);
    layerPlot_->plotLayout()->insertRow(0);
    layerPlot_->plotLayout()->addElement(
        0, 0, new QCPTextElement(layerPlot_, tr("Per-layer latency, tuple being measured")));
    powerPlot_->xAxis->setLabel(tr("time since start (s)"));
    powerPlot_->yAxis->setLabel(tr("mean rail power per layer (mW)"));
    powerPlot_->legend->setVisible(true);
    powerPlot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    powerPlot_->plotLayout()->insertRow(0);
    powerPlot_->plotLayout()->addElement(0, 0,
                                         new QCPTextElement(powerPlot_, tr("Power per rail")));
    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(layerPlot_);
    plots->addWidget(powerPlot_);

    auto* split = new QSplitter;
    split->addWidget(left);
    split->addWidget(plots);
    split->setStretchFactor(1, 1);
    split->setSizes({380, 820});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(pause_, &QPushButton::clicked, this, &ProfilePanel::pause);
    connect(cancel_, &QPushButton::clicked, this, &ProfilePanel::cancel);
    connect(resume_, &QPushButton::clicked, this, [this] { resume(); });
    connect(planKind_, &QComboBox::activated, this, [this](int i) {
        QString text = planKind_->itemData(i).toString();
        if (text == QStringLiteral("list:")) {
            // Start from the board's fastest tuple, a valid example to edit.
            const QString b = board();
            if (b.startsWith(QStringLiteral("emulated:"))) {
                try {
                    text += QString::fromStdString(
                        BoardSpec::builtin(b.mid(9).toStdString()).maxTuple().toString());
                } catch (const std::exception&) {
                }
            }
        }
        plan_->setText(text);
    });
    for (auto* w : {board_, model_})
        connect(w, &QComboBox::currentIndexChanged, this, &ProfilePanel::updateEstimate);
    connect(plan_, &QLineEdit::textChanged, this, &ProfilePanel::updateEstimate);
    for (auto* s : {warmup_, repeat_})
        connect(s, &QSpinBox::valueChanged, this, &ProfilePanel::updateEstimate);
    updateEstimate();
    updateButtons();
    if (!store_)
        setStatus(tr("The workspace database is not available: sweeps cannot be recorded."));
}

ProfilePanel::~ProfilePanel() {
    // Sessions outlive nothing of ours: stop listening, then close the ones this panel opened.
    for (BoardSession* s : std::as_const(watched_))
        disconnect(s, nullptr, this, nullptr);
    ownPool_.reset();
}

BoardSessionPool* ProfilePanel::sessions() {
    if (!pool_) { // on its own (tests): its own sessions, asking for passwords itself
        ownPool_ = std::make_unique<BoardSessionPool>(registryPath_);
        ownPool_->setSecretAsker([this](const QString& prompt) -> std::optional<std::string> {
            bool ok = false;
            const QString v =
                QInputDialog::getText(this, tr("SSH"), prompt, QLineEdit::Password, QString(), &ok);
            return ok ? std::optional<std::string>(v.toStdString()) : std::nullopt;
        });
        pool_ = ownPool_.get();
    }
    return pool_;
}

void ProfilePanel::setBoard(const QString& board) {
    int i = board_->findData(board);
    if (i < 0) { // a board added after the panel was built
        board_->addItem(board, board);
        i = board_->count() - 1;
    }
    board_->setCurrentIndex(i);
}
void ProfilePanel::setModel(const QString& model) {
    const int i = model_->findText(model);
    if (i >= 0)
        model_->setCurrentIndex(i);
    else
        model_->setCurrentText(model);
}
void ProfilePanel::setStoreError(const QString& message) {
    storeError_ = message;
    if (!store_ && !message.isEmpty())
        setStatus(tr("The workspace database is not available: %1. Sweeps cannot be recorded.")
                      .arg(message));
}
void ProfilePanel::setPlan(const QString& plan) {
    plan_->setText(plan);
}
void ProfilePanel::setWarmup(int warmup) {
    warmup_->setValue(warmup);
}
void ProfilePanel::setRepeat(int repeat) {
    repeat_->setValue(repeat);
}
QString ProfilePanel::board() const {
    return board_->currentData().toString();
}
QString ProfilePanel::plan() const {
    return plan_->text().trimmed();
}
QString ProfilePanel::statusText() const {
    return status_->text();
}

QString ProfilePanel::deviceText() const {
    return deviceLabel_->text();
}
QString ProfilePanel::estimateText() const {
    return estimate_->text();
}

void ProfilePanel::setStatus(const QString& text) {
    status_->setText(text);
}

void ProfilePanel::setState(State s) {
    state_ = s;
    updateButtons();
    emit stateChanged(s);
}

void ProfilePanel::updateButtons() {
    const bool idle = state_ == State::Idle;
    start_->setEnabled(idle);
    pause_->setEnabled(state_ == State::Running);
    cancel_->setEnabled(state_ == State::Running || state_ == State::Pausing ||
                        state_ == State::Connecting);
    resume_->setEnabled(idle && resumable_ != 0);
    for (QWidget* w :
         std::initializer_list<QWidget*>{board_, model_, planKind_, plan_, warmup_, repeat_})
        w->setEnabled(idle);
}

void ProfilePanel::updateEstimate() {
    // Tuples: exact from the board's tables (the probe, or the built-in spec of an emulated board).
    std::optional<BoardSpec> spec;
    const QString b = board();
    BoardSession* live = pool_ ? pool_->session(b) : nullptr;
    try {
        if (live && !live->probeResult().is_null())
            spec = BoardSpec::fromJson(live->probeResult().at("spec"));
        else if (b.startsWith(QStringLiteral("emulated:")))
            spec = BoardSpec::builtin(b.mid(9).toStdString());
    } catch (const std::exception&) {
    }
    if (!spec) {
        estimate_->setText(tr("Connect the board to count the tuples of this plan."));
        return;
    }
    size_t tuples = 0;
    try {
        const std::string p = plan().toStdString();
        tuples = AdaptiveSweepPlanner::isAdaptive(p)
                     ? AdaptiveSweepPlanner(*spec, p).maxTupleCount()
                     : SweepPlanner(*spec).plan(p).size();
    } catch (const std::exception& e) {
        estimate_->setText(tr("<span style='color:#b00'>%1</span>")
                               .arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        return;
    }
    // Time per unit run: from the newest finished session of this model (same board preferred).
    SweepTiming timing;
    if (store_) {
        try {
            timing = ProfileViewModel::timingFrom(
                store_->sessions(), model_->currentText().toStdString(), b.toStdString());
        } catch (const std::exception&) {
            // The workspace unreadable right now: the rough default.
        }
    }
    estimate_->setText(ProfileViewModel::estimateText(
        tuples, AdaptiveSweepPlanner::isAdaptive(plan().toStdString()), timing, warmup_->value(),
        repeat_->value()));
}

BoardSession* ProfilePanel::sessionFor(const QString& board) {
    QString error;
    BoardSession* s = sessions()->ensure(board, &error);
    if (!s)
        setStatus(error); // names the board: unknown, or the board list unreadable
    return s;
}

void ProfilePanel::watch(BoardSession* s) {
    if (watched_.contains(s))
        return;
    watched_.insert(s);
    connect(s, &QObject::destroyed, this, [this, s] { watched_.remove(s); });
    connect(s, &BoardSession::event, this, &ProfilePanel::onEvent);
    connect(s, &BoardSession::finished, this,
            [this](const QString& tag, const QString& result) { onFinished(tag, result); });
    connect(s, &BoardSession::failed, this, &ProfilePanel::onFailed);
    connect(s, &BoardSession::stateChanged, this,
            [this, s](BoardSession::State st, const QString& msg) {
                if (s != session_ || state_ != State::Connecting)
                    return;
                if (st == BoardSession::State::Connected)
                    launch();
                else if (st == BoardSession::State::Failed ||
                         st == BoardSession::State::Disconnected)
                    fail(tr("Cannot use %1: %2").arg(s->board(), msg));
            });
}

bool ProfilePanel::start() {
    Job j;
    j.board = board();
    j.model = model_->currentText();
    j.plan = plan();
    j.warmup = warmup_->value();
    j.repeat = repeat_->value();
    return begin(j);
}

bool ProfilePanel::resume(int64_t id) {
    if (id == 0)
        id = resumable_;
    if (!store_ || id == 0) {
        setStatus(tr("Nothing to resume."));
        return false;
    }
    Job j;
    try {
        const SweepSettings s = SweepSettings::ofSession(*store_, id, SweepSettings{});
        j.board = QString::fromStdString(s.board);
        j.model = QString::fromStdString(s.model);
        j.plan = QString::fromStdString(s.plan);
        j.warmup = s.warmup;
        j.repeat = s.repeat;
        j.batch = s.batch;
        j.resumeId = id;
    } catch (const std::exception& e) {
        setStatus(tr("Cannot resume session %1: %2").arg(id).arg(QString::fromStdString(e.what())));
        return false;
    }
    // Show what is being resumed.
    setBoard(j.board);
    setModel(j.model);
    setPlan(j.plan);
    setWarmup(j.warmup);
    setRepeat(j.repeat);
    return begin(j);
}

bool ProfilePanel::begin(const Job& job) {
    if (state_ != State::Idle) {
        setStatus(tr("A sweep is already running."));
        return false;
    }
    if (!store_) {
        setStatus(tr("The workspace database is not available%1; nothing can be recorded.")
                      .arg(storeError_.isEmpty() ? QString() : QStringLiteral(": ") + storeError_));
        return false;
    }
    if (job.plan.isEmpty() || job.model.isEmpty() || job.board.isEmpty()) {
        setStatus(tr("Choose a board, a model and a plan."));
        return false;
    }
    BoardSession* s = sessionFor(job.board);
    if (!s)
        return false; // sessionFor said why
    job_ = job;
    session_ = s;
    watch(s);
    sessionId_ = job.resumeId;
    driver_.reset();
    resetLiveViews();
    setState(State::Connecting);
    if (s->state() == BoardSession::State::Connected || s->state() == BoardSession::State::Busy) {
        launch();
    } else {
        setStatus(tr("Connecting to %1…").arg(job.board));
        if (s->state() != BoardSession::State::Connecting)
            s->connectBoard();
    }
    return true;
}

void ProfilePanel::launch() {
    if (state_ != State::Connecting || !session_)
        return;
    std::vector<FrequencyTuple> tuples;
    try {
        SweepSettings settings;
        settings.board = job_.board.toStdString();
        settings.model = job_.model.toStdString();
        settings.plan = job_.plan.toStdString();
        settings.warmup = job_.warmup;
        settings.repeat = job_.repeat;
        settings.batch = job_.batch;
        settings.resumeSession = job_.resumeId;
        SweepDriver::Listener listener;
        listener.stageStarted = [this](const SweepStageStart& s) { showStageStart(s); };
        listener.tupleStarted = [this](const FrequencyTuple& t, int i) { showTupleStart(t, i); };
        listener.conditionsReported = [this](const TupleConditions& c) { showConditions(c); };
        listener.layerMeasured = [this](const LayerRecord& r) { showLayer(r); };
        listener.tupleStored = [this](const FrequencyTuple& t) { onTupleStored(t); };
        driver_ = std::make_unique<SweepDriver>(store_, settings, std::move(listener));
        tuples = driver_->begin(session_->probeResult());
        if (tuples.empty()) {
            setState(State::Idle);
            setStatus(tr("Nothing left to measure in session %1.").arg(job_.resumeId));
            resumable_ = 0;
            updateButtons();
            emit sessionsChanged();
            emit sweepEnded(job_.resumeId, QStringLiteral("completed"));
            return;
        }
        sessionId_ = driver_->sessionId();
    } catch (const std::exception& e) {
        // A bad plan or tuple: nothing was created, nothing is lost.
        fail(QString::fromStdString(e.what()));
        return;
    }
    emit sessionsChanged();
    sweepClock_.start();
    setState(State::Running);
    setStatus(
        tr("Session %1: %2 on %3, plan %4%5")
            .arg(sessionId_)
            .arg(job_.model, job_.board, job_.plan,
                 job_.resumeId ? tr(" (resumed, %1 tuples left)").arg(tuples.size()) : QString()));
    if (driver_->wantsSwitchTimes()) {
        // How long each clock change takes, kept with the session as `dvfo profile` keeps it, so
        // training and evaluation charge what the board measured; the first stage follows.
        firstStage_ = tuples;
        tag_ = QStringLiteral("switch-%1").arg(++requestCounter_);
        session_->request(tag_, QString::fromLatin1(SweepDriver::kMeasureSwitchRequest),
                          nlohmann::json::object());
        return;
    }
    sendStage(tuples);
}

void ProfilePanel::startAfterSwitchTimes(const QString& resultJson, const QString& error) {
    const std::vector<FrequencyTuple> tuples = std::move(firstStage_);
    firstStage_.clear();
    QString why = error;
    if (why.isEmpty()) {
        try {
            driver_->storeSwitchTimes(nlohmann::json::parse(resultJson.toStdString()));
        } catch (const std::exception& e) {
            why = QString::fromStdString(e.what());
        }
    }
    if (!why.isEmpty())
        setStatus(tr("Session %1: clock switch times not measured (%2); the board's model will be "
                     "charged.")
                      .arg(sessionId_)
                      .arg(why));
    if (state_ == State::Pausing || state_ == State::Cancelling) {
        finish(SessionStatus::Cancelled, state_ == State::Pausing ? tr("paused") : tr("cancelled"));
        return;
    }
    sendStage(tuples);
}

void ProfilePanel::sendStage(const std::vector<FrequencyTuple>& tuples) {
    driver_->beginStage(tuples);
    stageClock_.start();
    tag_ = QStringLiteral("profile-%1").arg(++requestCounter_);
    session_->request(tag_, QStringLiteral("profile"), driver_->stageRequest());
}

void ProfilePanel::onEvent(const QString& tag, const QString& event, const QString& dataJson) {
    if (tag != tag_ || state_ == State::Idle || !driver_)
        return;
    try {
        driver_->handleEvent(event.toStdString(), nlohmann::json::parse(dataJson.toStdString()));
    } catch (const SweepStoreError& e) {
        // The store refused (disk full, file removed): stop rather than measure in vain.
        session_->cancelRequest();
        setState(State::Cancelling);
        setStatus(tr("Cannot store tuple %1: %2")
                      .arg(QString::fromStdString(e.tuple().toString()),
                           QString::fromStdString(e.reason())));
    } catch (const std::exception& e) {
        // A malformed event costs at most its tuple, which stays missing and is measured on
        // resume; the sweep goes on.
        qWarning("Profile view: %s", e.what());
    }
}

void ProfilePanel::showStageStart(const SweepStageStart& start) {
    const size_t units = start.unitNames.size();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    int i = 0;
    for (const auto& name : start.unitNames)
        ticker->addTick(i++, QString::fromStdString(name));
    layerPlot_->xAxis->setTicker(ticker);
    layerPlot_->xAxis->setRange(-0.7, double(units) - 0.3);
    view_.beginStage(units, driver_->stageTuples().size());
    progress_->setRange(0, view_.progressMaximum());
    progress_->setValue(0);
    // Older agents do not say where the layers run: then the label stays hidden.
    const DeviceLine line = ProfileViewModel::deviceLine(start.executionDevice, start.warning);
    deviceLabel_->setText(line.text);
    deviceLabel_->setStyleSheet(line.warning ? QStringLiteral("color: #b00020; font-weight: bold")
                                             : QString());
    deviceLabel_->setVisible(line.visible());
}

void ProfilePanel::showTupleStart(const FrequencyTuple& t, int index) {
    tupleLabel_->setText(ProfileViewModel::tupleText(
        QString::fromStdString(ProfileResultModel::mhzLabel(t)), index,
        driver_->stageTuples().size(), driver_->isAdaptive() && !driver_->costs().empty()));
    layerBars_->data()->clear();
    layerPlot_->yAxis->setRange(0, 1e-3); // each tuple gets its own scale, grown as layers arrive
    layerPlot_->replotLater();
}

void ProfilePanel::showConditions(const TupleConditions& c) {
    if (c.throttled)
        setStatus(ProfileViewModel::throttledText(
            QString::fromStdString(ProfileResultModel::mhzLabel(c.pinned)),
            QString::fromStdString(ProfileResultModel::mhzLabel(c.inForce))));
}

void ProfilePanel::showLayer(const LayerRecord& r) {
    view_.layerArrived();
    layerBars_->addData(double(r.layerIndex), r.latency.medianMs);
    layerPlot_->yAxis->setRange(
        0, std::max(layerPlot_->yAxis->range().upper, r.latency.medianMs * 1.1));
    layerPlot_->replotLater();
    const double t = double(sweepClock_.elapsed()) / 1000.0;
    for (const auto& [rail, mw] : r.powerMw) {
        const QString name = QString::fromStdString(rail);
        QCPGraph* g = railGraphs_.value(name);
        if (!g) {
            g = powerPlot_->addGraph();
            g->setName(name);
            g->setPen(QPen(kRailColors[railGraphs_.size() % std::size(kRailColors)], 1.5));
            g->setLineStyle(QCPGraph::lsStepLeft);
            railGraphs_.insert(name, g);
        }
        g->addData(t, mw); // arrival times ascend: stays sorted
    }
    powerPlot_->rescaleAxes();
    powerPlot_->yAxis->setRangeLower(0);
    powerPlot_->replotLater();
    progress_->setValue(view_.progressValue());
    eta_->setText(view_.etaText(double(sweepClock_.elapsed()) / 1000.0,
                                double(stageClock_.elapsed()) / 1000.0, driver_->isAdaptive()));
}

void ProfilePanel::onTupleStored(const FrequencyTuple& tuple) {
    emit tupleStored(sessionId_, QString::fromStdString(tuple.toString()));
    if (state_ == State::Pausing)
        session_->cancelRequest(); // the tuple is safe: stop here
}

void ProfilePanel::onFinished(const QString& tag, const QString& resultJson) {
    if (tag != tag_ || state_ == State::Idle)
        return;
    if (!firstStage_.empty()) { // the switch times came back
        startAfterSwitchTimes(resultJson, {});
        return;
    }
    const auto next = driver_->refinement();
    if (!next.empty()) {
        if (state_ == State::Pausing || state_ == State::Cancelling) {
            finish(SessionStatus::Cancelled,
                   state_ == State::Pausing ? tr("paused") : tr("cancelled"));
            return;
        }
        setStatus(tr("Session %1: refining %2 tuples where energy or latency changes most")
                      .arg(sessionId_)
                      .arg(next.size()));
        sendStage(next);
        return;
    }
    finish(SessionStatus::Completed, tr("completed"));
}

void ProfilePanel::onFailed(const QString& tag, const QString& message) {
    if (tag != tag_ || state_ == State::Idle)
        return;
    if (!firstStage_.empty() && state_ == State::Running) { // e.g. an agent without the request
        startAfterSwitchTimes({}, message);
        return;
    }
    firstStage_.clear();
    if (state_ == State::Pausing)
        finish(SessionStatus::Cancelled, tr("paused"));
    else if (state_ == State::Cancelling)
        finish(SessionStatus::Cancelled, tr("cancelled"));
    else
        finish(SessionStatus::Failed, tr("failed: %1").arg(message));
}

void ProfilePanel::finish(SessionStatus status, const QString& message) {
    try {
        driver_->finish(status);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()));
    }
    resumable_ = status == SessionStatus::Completed ? 0 : sessionId_;
    tag_.clear();
    setState(State::Idle);
    size_t stored = 0;
    try {
        stored = store_->completedTuples(sessionId_).size();
    } catch (const std::exception&) {
    }
    setStatus(ProfileViewModel::finishedText(sessionId_, message, stored, resumable_ != 0));
    eta_->setText(
        tr("Took %1").arg(ProfileViewModel::duration(double(sweepClock_.elapsed()) / 1000.0)));
    updateEstimate(); // the stored timing improves the next estimate
    emit sessionsChanged();
    emit sweepEnded(sessionId_, QString::fromLatin1(toString(status)));
}

void ProfilePanel::fail(const QString& message) {
    setState(State::Idle);
    setStatus(tr("<span style='color:#b00'>%1</span>").arg(message.toHtmlEscaped()));
}

void ProfilePanel::pause() {
    if (state_ == State::Running) {
        setState(State::Pausing);
        setStatus(tr("Pausing after the current tuple…"));
    }
}

void ProfilePanel::cancel() {
    if (state_ == State::Connecting) {
        fail(tr("Cancelled before the sweep started."));
        return;
    }
    if (state_ == State::Running || state_ == State::Pausing) {
        setState(State::Cancelling);
        setStatus(tr("Cancelling: the board restores its clocks…"));
        if (session_)
            session_->cancelRequest();
    }
}

void ProfilePanel::resetLiveViews() {
    layerBars_->data()->clear();
    for (QCPGraph* g : railGraphs_)
        powerPlot_->removeGraph(g);
    railGraphs_.clear();
    view_.beginSweep();
    progress_->setValue(0);
    eta_->clear();
    tupleLabel_->clear();
    layerPlot_->replotLater();
    powerPlot_->replotLater();
}

} // namespace dvfo
