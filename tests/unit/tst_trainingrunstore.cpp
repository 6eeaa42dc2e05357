// TrainingRunStore on real workspace files in a temp dir.
#include "core/workspace/profilestore.h"
#include "core/workspace/trainingrunstore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace dvfo;

class TestTrainingRunStore : public QObject {
    Q_OBJECT

private slots:
    void runsRoundTrip() {
        QTemporaryDir tmp;
        const std::string db = tmp.filePath("ws.db").toStdString();
        int64_t session = 0;
        {
            ProfileStore profiles(db);
            SessionInfo info;
            info.boardName = "emulated:xavier-nx";
            info.model = "resnet18";
            session = profiles.createSession(info);
        }
        TrainingRunStore store(db); // a second connection on the same file
        TrainingRun r;
        r.name = "first";
        r.sessionId = session;
        r.board = "xavier-nx";
        r.model = "resnet18";
        r.configJson = R"({"eta":0.5})";
        const int64_t id = store.createRun(r);
        TrainingRun back = store.run(id);
        QCOMPARE(back.id, id);
        QCOMPARE(back.name, std::string("first"));
        QCOMPARE(back.sessionId, session);
        QCOMPARE(back.configJson, std::string(R"({"eta":0.5})"));
        QCOMPARE(toString(back.status), std::string("running"));
        QVERIFY(!back.startedAt.empty());
        QVERIFY(back.endedAt.empty());
        QCOMPARE(back.pointCount, int64_t(0));

        store.setStatus(id, TrainingStatus::Completed);
        store.setResult(id, R"({"gapPct":3.2})");
        store.setDirectories(id, "/tmp/ck", "/tmp/pol");
        back = store.run(id);
        QCOMPARE(toString(back.status), std::string("completed"));
        QVERIFY(!back.endedAt.empty());
        QCOMPARE(back.resultJson, std::string(R"({"gapPct":3.2})"));
        QCOMPARE(back.checkpointDir, std::string("/tmp/ck"));
        QCOMPARE(back.policyDir, std::string("/tmp/pol"));
        store.setStatus(id, TrainingStatus::Running); // resumed
        QVERIFY(store.run(id).endedAt.empty());

        r.name = "second";
        r.sessionId = 0;
        const int64_t id2 = store.createRun(r);
        QVERIFY(id2 > id);
        const auto all = store.runs();
        QCOMPARE(int(all.size()), 2);
        QCOMPARE(all[0].id, id);
        QCOMPARE(all[1].sessionId, int64_t(0));
    }

    void pointsAreBatchedAndReplaced() {
        QTemporaryDir tmp;
        const std::string db = tmp.filePath("ws.db").toStdString();
        TrainingRunStore store(db);
        const int64_t id = store.createRun({});
        std::vector<TrainingPoint> batch;
        for (int i = 0; i < 50; ++i) {
            TrainingPoint p;
            p.step = (i + 1) * 200;
            p.episode = i;
            p.reward = -100.0 / 3 + i;
            p.loss = i < 3 ? std::nan("") : 1.0 / (i + 1);
            p.epsilon = 1.0 - i * 0.01;
            p.episodeLength = 200;
            p.extraJson = R"({"energyMj":12.5})";
            batch.push_back(p);
        }
        store.appendPoints(id, batch);
        // Another connection (the GUI) sees the committed batch.
        TrainingRunStore reader(db);
        QCOMPARE(reader.run(id).pointCount, int64_t(50));
        auto points = reader.points(id);
        QCOMPARE(int(points.size()), 50);
        QVERIFY(std::isnan(points[0].loss));
        QCOMPARE(points[10].loss, 1.0 / 11);
        QCOMPARE(points[10].reward, -100.0 / 3 + 10);
        QCOMPARE(points[49].extraJson, std::string(R"({"energyMj":12.5})"));
        QCOMPARE(int(reader.points(id, 9000).size()), 5); // steps 9200..10000

        // A resumed run writing the same step again replaces the point instead of failing.
        TrainingPoint again = batch[49];
        again.reward = 7;
        store.appendPoints(id, {again});
        points = store.points(id);
        QCOMPARE(int(points.size()), 50);
        QCOMPARE(points.back().reward, 7.0);
    }

    void badInputIsRefusedAndLosesNothing() {
        QTemporaryDir tmp;
        const std::string db = tmp.filePath("ws.db").toStdString();
        TrainingRunStore store(db);
        TrainingRun r;
        r.sessionId = 42;
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.createRun(r)); // no such session
        r.sessionId = 0;
        r.configJson = "{oops";
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.createRun(r));
        r.configJson = "{}";
        const int64_t id = store.createRun(r);
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.run(id + 1));
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.setStatus(id + 1, TrainingStatus::Failed));
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.setResult(id, "[1]"));
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.appendPoints(id + 1, {TrainingPoint{}}));
        TrainingPoint good, bad;
        good.step = 1;
        bad.step = 2;
        bad.extraJson = "not json";
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.appendPoints(id, {good, bad}));
        QCOMPARE(int(store.points(id).size()), 0); // all or nothing
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, parseTrainingStatus("paused"));

        const std::string foreign = tmp.filePath("foreign.txt").toStdString();
        std::ofstream(foreign) << "this is not a database";
        QVERIFY_THROWS_EXCEPTION(std::exception, TrainingRunStore{foreign});
    }

    void deleteRemovesPoints() {
        QTemporaryDir tmp;
        TrainingRunStore store(tmp.filePath("ws.db").toStdString());
        const int64_t keep = store.createRun({});
        const int64_t gone = store.createRun({});
        TrainingPoint p;
        p.step = 5;
        store.appendPoints(keep, {p});
        store.appendPoints(gone, {p});
        store.deleteRun(gone);
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.run(gone));
        QVERIFY_THROWS_EXCEPTION(TrainingRunError, store.points(gone));
        QCOMPARE(int(store.points(keep).size()), 1);
        QCOMPARE(int(store.runs().size()), 1);
        // Ids are never reused.
        QVERIFY(store.createRun({}) > gone);
    }
};

QTEST_GUILESS_MAIN(TestTrainingRunStore)
#include "tst_trainingrunstore.moc"
