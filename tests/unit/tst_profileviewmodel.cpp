// What the Profile view shows about a sweep, derived without a window (QCoreApplication only):
// progress and ETA from the layers received, durations, the device and warning line, the tuple
// line, the estimate's timing basis from stored sessions, and the status when a sweep ends.
#include "widgets/profileviewmodel.h"

#include <QtTest>

#include <cmath>

using namespace dvfo;

namespace {

// A finished session of `model` on `board`: `tuples` tuples of `layers` layers in `seconds`.
SessionInfo finished(int64_t id, const std::string& model, const std::string& board, int tuples,
                     int layers, int seconds, const std::string& settings) {
    SessionInfo s;
    s.id = id;
    s.model = model;
    s.boardName = board;
    s.completedTupleCount = tuples;
    s.measurementCount = int64_t(tuples) * layers;
    s.startedAt = "2026-12-07T10:00:00.000Z";
    s.endedAt = QDateTime::fromString("2026-12-07T10:00:00.000Z", Qt::ISODateWithMs)
                    .addSecs(seconds)
                    .toString(Qt::ISODateWithMs)
                    .toStdString();
    s.settingsJson = settings;
    return s;
}

} // namespace

class TestProfileViewModel : public QObject {
    Q_OBJECT

private slots:
    void progressCountsTheStagesLayers() {
        ProfileViewModel vm;
        vm.beginSweep();
        QCOMPARE(vm.progressMaximum(), 0);
        vm.beginStage(12, 18); // 18 tuples of 12 layers
        QCOMPARE(vm.progressMaximum(), 216);
        for (int i = 0; i < 30; ++i)
            vm.layerArrived();
        QCOMPARE(vm.progressValue(), 30);
        // A refinement stage starts again at 0; the sweep's count goes on.
        vm.beginStage(12, 4);
        QCOMPARE(vm.progressValue(), 0);
        QCOMPARE(vm.progressMaximum(), 48);
        vm.layerArrived();
        QCOMPARE(vm.measuredLayers(), size_t(31));
        vm.beginSweep();
        QCOMPARE(vm.measuredLayers(), size_t(0));
    }

    void theEtaExtrapolatesTheStagesRateSoFar() {
        ProfileViewModel vm;
        vm.beginStage(10, 10);
        QCOMPARE(vm.remainingSeconds(5.0), -1.0); // nothing measured yet: unknown
        QCOMPARE(vm.etaText(1.0, 1.0, false), QStringLiteral("Elapsed 1 s, ETA ?"));
        for (int i = 0; i < 25; ++i)
            vm.layerArrived();
        // 25 layers in 50 s, 75 to go: 150 s.
        QCOMPARE(vm.remainingSeconds(50.0), 150.0);
        QCOMPARE(vm.etaText(65.0, 50.0, false),
                 QStringLiteral("Elapsed 1 min 05 s, ETA 2 min 30 s"));
        QCOMPARE(vm.etaText(65.0, 50.0, true),
                 QStringLiteral("Elapsed 1 min 05 s, ETA 2 min 30 s (this stage; refinements may "
                                "follow)"));
        for (int i = 0; i < 80; ++i) // more than announced: never a negative ETA
            vm.layerArrived();
        QCOMPARE(vm.remainingSeconds(99.0), 0.0);
    }

    void durationsReadAsHoursMinutesAndSeconds() {
        QCOMPARE(ProfileViewModel::duration(0), QStringLiteral("0 s"));
        QCOMPARE(ProfileViewModel::duration(59.4), QStringLiteral("59 s"));
        QCOMPARE(ProfileViewModel::duration(59.6), QStringLiteral("1 min 00 s"));
        QCOMPARE(ProfileViewModel::duration(3 * 60 + 5), QStringLiteral("3 min 05 s"));
        QCOMPARE(ProfileViewModel::duration(2 * 3600 + 7 * 60 + 59), QStringLiteral("2 h 07 min"));
        QCOMPARE(ProfileViewModel::duration(-1), QStringLiteral("?"));
        QCOMPARE(ProfileViewModel::duration(std::nan("")), QStringLiteral("?"));
        QCOMPARE(ProfileViewModel::duration(HUGE_VAL), QStringLiteral("?"));
    }

    void theDeviceLineCarriesTheAgentsWarning() {
        DeviceLine line = ProfileViewModel::deviceLine("cpu", "");
        QCOMPARE(line.text, QStringLiteral("Layers run on cpu."));
        QVERIFY(line.visible() && !line.warning);
        line = ProfileViewModel::deviceLine("cpu", "no CUDA: the GPU sweep runs on the CPU");
        QCOMPARE(line.text, QStringLiteral("Layers run on cpu. Warning: no CUDA: the GPU sweep "
                                           "runs on the CPU"));
        QVERIFY(line.warning);
        // An older agent says nothing: the line is hidden.
        line = ProfileViewModel::deviceLine("", "");
        QVERIFY(!line.visible() && !line.warning);
        line = ProfileViewModel::deviceLine("", "clocks not pinned");
        QCOMPARE(line.text, QStringLiteral("Warning: clocks not pinned"));
    }

    void tupleAndThrottleLinesNameTheClocks() {
        QCOMPARE(ProfileViewModel::tupleText("1190/1109/1866", 2, 18, false),
                 QStringLiteral("Measuring 1190/1109/1866 MHz (3 of 18)"));
        QCOMPARE(ProfileViewModel::tupleText("1190/1109/1866", 0, 4, true),
                 QStringLiteral("Measuring 1190/1109/1866 MHz (1 of 4, refinement)"));
        QCOMPARE(ProfileViewModel::throttledText("1907/1109/1866", "1497/1109/1866"),
                 QStringLiteral("Tuple 1907/1109/1866 MHz was throttled: clocks in force "
                                "1497/1109/1866 MHz"));
    }

    void theEstimateIsTimedFromTheNewestSessionOfTheModelOnThatBoard() {
        const std::string settings = R"({"warmup": 1, "repeat": 5})";
        std::vector<SessionInfo> sessions = {
            finished(1, "resnet18", "lab-nx", 10, 12, 10 * 2, settings),
            finished(2, "resnet18", "other", 10, 12, 10 * 4, settings),
            finished(3, "small_cnn", "lab-nx", 10, 5, 10, settings),
        };
        SessionInfo running = finished(4, "resnet18", "lab-nx", 3, 12, 9, settings);
        running.endedAt.clear(); // still running: its time says nothing yet
        sessions.push_back(running);

        // Same board preferred over a newer session elsewhere: 2 s per tuple, minus the 50 ms
        // switch, over 12 layers x 6 runs.
        SweepTiming t = ProfileViewModel::timingFrom(sessions, "resnet18", "lab-nx");
        QCOMPARE(t.basisSession, int64_t(1));
        QCOMPARE(t.units, size_t(12));
        QVERIFY(std::abs(t.unitSeconds - (2.0 - 0.05) / 72.0) < 1e-12);
        // No session on this board: the newest of the model anywhere.
        t = ProfileViewModel::timingFrom(sessions, "resnet18", "new-board");
        QCOMPARE(t.basisSession, int64_t(2));
        // No session of this model: the rough default.
        t = ProfileViewModel::timingFrom(sessions, "vgg16", "lab-nx");
        QCOMPARE(t.basisSession, int64_t(0));
        QCOMPARE(t.units, size_t(12));
        QCOMPARE(t.unitSeconds, 0.004);
        // Unreadable settings cannot time anything.
        t = ProfileViewModel::timingFrom({finished(7, "resnet18", "lab-nx", 10, 12, 20, "{oops")},
                                         "resnet18", "lab-nx");
        QCOMPARE(t.basisSession, int64_t(0));
        QVERIFY(ProfileViewModel::timingFrom({}, "resnet18", "lab-nx").basisSession == 0);
    }

    void theEstimateSaysHowManyTuplesAndOnWhatBasis() {
        SweepTiming timing; // the rough default: 12 layers, 4 ms a run
        // 18 tuples x (50 ms switch + 12 layers x 6 runs x 4 ms) = 18 x 0.338 s = 6.08 s.
        QCOMPARE(ProfileViewModel::estimateText(18, false, timing, 1, 5),
                 QStringLiteral("18 tuples × 12 layers ≈ 6 s (rough default until a sweep of "
                                "this model is stored)"));
        timing.basisSession = 4;
        timing.unitSeconds = 0.1;
        QCOMPARE(ProfileViewModel::estimateText(1, true, timing, 1, 5),
                 QStringLiteral("at most 1 tuple × 12 layers ≈ 7 s (timed from session #4)"));
    }

    void theEndOfASweepSaysWhatWasStoredAndHowToGoOn() {
        QCOMPARE(ProfileViewModel::finishedText(7, "completed", 18, false),
                 QStringLiteral("Session 7 completed: 18 tuples stored."));
        QCOMPARE(ProfileViewModel::finishedText(8, "paused", 5, true),
                 QStringLiteral("Session 8 paused: 5 tuples stored. Resume measures only the "
                                "missing tuples."));
    }
};

QTEST_GUILESS_MAIN(TestProfileViewModel)
#include "tst_profileviewmodel.moc"
