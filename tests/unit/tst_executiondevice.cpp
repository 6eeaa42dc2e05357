// Where profiled layers run (--device auto|cpu|cuda) and the warning of a GPU-clock sweep whose
// layers run on the CPU: the selection, the profiler's start callback on a fake sysfs tree and
// on the emulated board, the real dvfo-edge agent and the dvfo CLI. This LibTorch has no CUDA,
// so the CUDA path is checked as far as it is selected, not run.
#include "core/dnn/dnnmodel.h"
#include "core/dnn/executiondevice.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/layerprofiler.h"
#include "remote/edge/sysfsboard.h"
#include "support/clirun.h"
#include "support/fakesysfs.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>

using namespace dvfo;
using dvfo::test::FakeSysfs;

namespace {

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

std::string invalidArgumentOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

// Two tuples at the board's top CPU and EMC clocks: the GPU at its lowest and highest clock, or
// (constantGpu) the GPU fixed and the CPU at its lowest and highest.
std::vector<FrequencyTuple> twoTuples(const BoardSpec& spec, bool constantGpu) {
    FrequencyTuple low = spec.maxTuple(), high = spec.maxTuple();
    if (constantGpu)
        low.cpuKhz = spec.cpu.frequenciesKhz.front();
    else
        low.gpuKhz = spec.gpu.frequenciesKhz.front();
    return {low, high};
}

struct StartSeen {
    std::string device, warning;
    size_t units = 0;
};

// Starts a profile and cancels it after the first record: what onStart saw.
StartSeen startOfProfile(BoardHal& hal, const std::vector<FrequencyTuple>& tuples,
                         const std::string& device) {
    std::mutex halMutex;
    LayerProfiler profiler(hal, halMutex);
    ProfileRequest request;
    request.model = "small_cnn";
    request.tuples = tuples;
    request.device = device;
    std::atomic<bool> cancel{false};
    StartSeen seen;
    profiler.run(
        request, cancel,
        [&](const std::vector<LayerInfo>& layers, const ExecutionDevice& d, const std::string& w) {
            seen.units = layers.size();
            seen.device = d.name();
            seen.warning = w;
        },
        [](size_t, const FrequencyTuple&) {}, [&](const LayerRecord&) { cancel = true; });
    hal.restore();
    return seen;
}

// Runs the real agent; returns exit code, stdout, stderr.
using EdgeRun = CliRun;
EdgeRun runEdge(const QStringList& args) {
    return runDvfoEdge(args);
}

QString tupleList(const std::vector<FrequencyTuple>& tuples) {
    QStringList parts;
    for (const auto& t : tuples)
        parts << QString::fromStdString(t.toString());
    return "list:" + parts.join(',');
}

} // namespace

class TestExecutionDevice : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY2(qEnvironmentVariableIsSet("DVFO_EDGE"),
                 "DVFO_EDGE must name the dvfo-edge binary");
        qInfo("this LibTorch %s CUDA", ExecutionDevice::cudaAvailable() ? "has" : "has no");
    }

    void autoRunsLayersOnCudaOnlyWhenLibTorchHasIt() {
        QCOMPARE(ExecutionDevice::select("auto", false).name(), std::string("cpu"));
        QCOMPARE(ExecutionDevice::select("auto", true).name(), std::string("cuda:0"));
        QVERIFY(ExecutionDevice::select("cuda", true).isCuda());
        QCOMPARE(ExecutionDevice::select("cpu", true).name(), std::string("cpu"));
        // With what this process's LibTorch reports: the CPU here, CUDA on a CUDA build.
        QCOMPARE(ExecutionDevice::select("auto").isCuda(), ExecutionDevice::cudaAvailable());
        QCOMPARE(ExecutionDevice::cuda(1).name(), std::string("cuda:1"));
        QCOMPARE(ExecutionDevice::cpu().name(), std::string("cpu"));
        ExecutionDevice::cpu().synchronize(); // the CPU's ops return finished: nothing to wait for
    }

    void cudaWithoutCudaIsAClearInvalidArgument() {
        const std::string message =
            invalidArgumentOf([] { ExecutionDevice::select("cuda", false); });
        QVERIFY2(contains(message, "cuda"), message.c_str());
        QVERIFY2(contains(message, "--device cpu"), message.c_str()); // says what to do
        if (ExecutionDevice::cudaAvailable())
            return;
        QVERIFY(!invalidArgumentOf([] { ExecutionDevice::select("cuda"); }).empty());
        // The profiler refuses it at start-up, not at the first sweep.
        auto board =
            std::make_unique<EmulatedBoard>(BoardSpec::builtin("xavier-nx"), HostCalibration{});
        std::mutex halMutex;
        LayerProfiler profiler(*board, halMutex);
        QVERIFY(!invalidArgumentOf([&] { profiler.setDefaultDevice("cuda"); }).empty());
        QCOMPARE(profiler.defaultDevice(), std::string("auto"));
        profiler.setDefaultDevice("cpu");
        QCOMPARE(profiler.executionDevice().name(), std::string("cpu"));
    }

    void unknownDeviceNamesAreRejected() {
        for (const char* bad : {"gpu", "CUDA", "", "cuda:0", "tpu"}) {
            // Even where CUDA exists: a typo must not fall back to anything.
            const std::string message =
                invalidArgumentOf([&] { ExecutionDevice::select(bad, true); });
            QVERIFY2(contains(message, "unknown device '" + std::string(bad) + "'"), bad);
            QVERIFY2(contains(message, "auto, cpu or cuda"), message.c_str());
            QVERIFY(!invalidArgumentOf([&] { ExecutionDevice::select(bad); }).empty());
        }
        QCOMPARE(ExecutionDevice::preferences(), (std::vector<std::string>{"auto", "cpu", "cuda"}));
    }

    void aModelOnTheCpuDeviceRunsItsLayers() {
        auto m = DnnModel::create("small_cnn", 1);
        m->setDevice(ExecutionDevice::cpu());
        QCOMPARE(m->device().name(), std::string("cpu"));
        const std::vector<float> input(size_t(1 * 28 * 28), 0.5f);
        const auto before = m->forward(input);
        for (size_t i = 0; i < m->layers().size(); ++i)
            m->runLayer(i);
        m->synchronize();
        QCOMPARE(m->forward(input), before);
    }

    // Real boards whose layers run on the CPU while the sweep moves the GPU clock are flagged;
    // a constant GPU clock, CUDA, or an emulated board (its latency is the board's roofline,
    // wherever the host ran the layers) are not.
    void gpuClockSweepOnTheCpuIsFlaggedOnRealBoardsOnly() {
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        const auto gpuSweep = twoTuples(spec, false);
        const std::string w = gpuSweepOnCpuWarning(ExecutionDevice::cpu(), false, gpuSweep);
        QVERIFY2(contains(w, "CPU") && contains(w, "GPU clock"), w.c_str());
        QVERIFY2(contains(w, "2 GPU clocks"), w.c_str());
        QVERIFY2(contains(w, "--device cuda"), w.c_str());
        QCOMPARE(gpuSweepOnCpuWarning(ExecutionDevice::cpu(), false, twoTuples(spec, true)),
                 std::string());
        QCOMPARE(gpuSweepOnCpuWarning(ExecutionDevice::cpu(), true, gpuSweep), std::string());
        QCOMPARE(gpuSweepOnCpuWarning(ExecutionDevice::cuda(0), false, gpuSweep), std::string());
        QCOMPARE(gpuSweepOnCpuWarning(ExecutionDevice::cpu(), false, {}), std::string());
    }

    void profileStartSaysWhereLayersRunAndWarnsOnAFakeJetson() {
        QTemporaryDir dir, state;
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        FakeSysfs fake(spec, dir.path().toStdString());
        SysfsBoard board(spec, fake.root(), state.path().toStdString());
        const StartSeen gpuSweep = startOfProfile(board, twoTuples(spec, false), "cpu");
        QCOMPARE(gpuSweep.device, std::string("cpu"));
        QVERIFY(gpuSweep.units > 0);
        QVERIFY2(contains(gpuSweep.warning, "GPU clock"), gpuSweep.warning.c_str());
        const StartSeen cpuSweep = startOfProfile(board, twoTuples(spec, true), "cpu");
        QCOMPARE(cpuSweep.device, std::string("cpu"));
        QCOMPARE(cpuSweep.warning, std::string());
        // auto is the CPU here, so it warns too; on a CUDA build it would run on cuda:0.
        if (!ExecutionDevice::cudaAvailable())
            QVERIFY(!startOfProfile(board, twoTuples(spec, false), "").warning.empty());
    }

    void profileStartOnTheEmulatedBoardDoesNotWarn() {
        auto board =
            std::make_unique<EmulatedBoard>(BoardSpec::builtin("xavier-nx"), HostCalibration{});
        const StartSeen seen = startOfProfile(*board, twoTuples(board->spec(), false), "cpu");
        QCOMPARE(seen.device, std::string("cpu"));
        QCOMPARE(seen.warning, std::string());
    }

    void agentProbeReportsTheExecutionDevice() {
        const EdgeRun r = runEdge({"--emulate", "xavier-nx", "--device", "cpu", "probe"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto line = nlohmann::json::parse(r.out.trimmed().split('\n').last().toStdString());
        const auto& result = line.at("result");
        QCOMPARE(result.at("executionDevice").get<std::string>(), std::string("cpu"));
        QCOMPARE(result.at("cudaAvailable").get<bool>(), ExecutionDevice::cudaAvailable());
        if (ExecutionDevice::cudaAvailable())
            return;
        const EdgeRun cuda = runEdge({"--emulate", "xavier-nx", "--device", "cuda", "probe"});
        QCOMPARE(cuda.code, 2);
        QVERIFY2(cuda.err.contains("--device cpu"), qPrintable(cuda.err));
        const EdgeRun typo = runEdge({"--emulate", "xavier-nx", "--device", "gpu", "probe"});
        QVERIFY(typo.code != 0);
    }

    // A session's profile request may name its device; a bad one is the request's error.
    void agentProfileRequestsNameTheirDevice() {
        const QByteArray requests =
            R"({"v":1,"id":1,"op":"profile","params":{"model":"small_cnn","plan":"max","repeat":1,"device":"gpu"}})"
            "\n"
            R"({"v":1,"id":2,"op":"profile","params":{"model":"small_cnn","plan":"max","repeat":1,"device":"cpu"}})"
            "\n";
        // The input stays open until the answers are in: a closed input cancels profiles.
        QProcess agent;
        agent.start(qEnvironmentVariable("DVFO_EDGE"), {"--emulate", "xavier-nx", "serve"});
        QVERIFY(agent.waitForStarted(10000));
        agent.write(requests);
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += agent.readAllStandardOutput()).contains(R"("id":2,"ok")"),
                                 120000);
        agent.closeWriteChannel();
        QVERIFY(agent.waitForFinished(30000));
        QCOMPARE(agent.exitCode(), 0);
        bool rejected = false, started = false, finished = false;
        for (const QString& text : QString::fromUtf8(out).split('\n', Qt::SkipEmptyParts)) {
            const auto line = nlohmann::json::parse(text.toStdString());
            const int id = line.value("id", 0);
            if (id == 1 && line.contains("error")) {
                rejected = true;
                QCOMPARE(line["error"].value("code", ""), std::string("bad_params"));
                QVERIFY2(contains(line["error"].value("message", ""), "unknown device 'gpu'"),
                         text.toUtf8().constData());
            }
            if (id == 2 && line.value("event", "") == "start") {
                started = true;
                QCOMPARE(line["data"].value("executionDevice", ""), std::string("cpu"));
                QVERIFY(!line["data"].contains("warning"));
            }
            if (id == 2 && line.value("ok", false))
                finished = true;
        }
        QVERIFY2(rejected && started && finished, out.constData());
    }

    // The real agent on a fake Jetson tree: the profile's start event names the device and
    // carries the warning.
    void agentProfileStartEventCarriesTheWarning() {
        QTemporaryDir dir, state;
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        FakeSysfs fake(spec, dir.path().toStdString());
        const QByteArray runtimeDir = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", state.path().toUtf8()); // the agent's saved clock state
        const EdgeRun r =
            runEdge({"--sysfs-root", QString::fromStdString(fake.root()), "--board", "xavier-nx",
                     "--device", "cpu", "profile", "--model", "small_cnn", "--tuples",
                     tupleList(twoTuples(spec, false)), "--repeat", "1"});
        if (runtimeDir.isNull())
            qunsetenv("XDG_RUNTIME_DIR");
        else
            qputenv("XDG_RUNTIME_DIR", runtimeDir);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        bool sawStart = false;
        for (const QString& text : r.out.split('\n', Qt::SkipEmptyParts)) {
            const auto line = nlohmann::json::parse(text.toStdString());
            if (line.value("event", "") != "start")
                continue;
            sawStart = true;
            const auto& data = line.at("data");
            QCOMPARE(data.at("executionDevice").get<std::string>(), std::string("cpu"));
            QVERIFY2(contains(data.value("warning", ""), "GPU clock"), text.toUtf8().constData());
        }
        QVERIFY2(sawStart, qPrintable(r.out));
    }

    void profileCommandSaysWhereTheLayersRun() {
        QTemporaryDir dir;
        const CliRun r =
            runDvfoCli({"profile", "--board", "emulated:xavier-nx", "--model", "small_cnn",
                        "--tuples", "max", "--repeat", "1", "--db", dir.filePath("w.db")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("Layers run on: cpu"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("warning"), qPrintable(r.err)); // emulated: nothing to warn about
    }
};

QTEST_GUILESS_MAIN(TestExecutionDevice)
#include "tst_executiondevice.moc"
