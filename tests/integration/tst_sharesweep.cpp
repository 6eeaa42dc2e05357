// `dvfo profile` through the real board agent (dvfo-edge, emulated Xavier NX) and the agent
// protocol: the share sweep's records arrive as "share" events and are stored with every tuple of
// a real SQLite workspace, and the environment built from that session charges them.
#include "core/workspace/profiletablefromstore.h"
#include "core/rl/dvfoenvironment.h"
#include "core/dnn/offloadmodel.h"
#include "core/workspace/profilestore.h"
#include "core/profile/profiletable.h"
#include "support/clirun.h"

#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace dvfo;

class TestShareSweep : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void theSweepStoresEveryShareOfEveryTupleAndTheEnvironmentChargesThem() {
        QVERIFY(!qEnvironmentVariable("DVFO_CLI").isEmpty());
        const QString db = dir_.filePath("w.db");
        const CliRun r = runDvfoCli({"profile", "--board", "emulated:xavier-nx", "--model",
                                     "small_cnn", "--tuples", "grid:2x2x1", "--db", db, "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("Share sweep: 40 share measurements"), qPrintable(r.err));

        const ProfileStore store(db.toStdString());
        const std::set<FrequencyTuple> tuples = store.completedTuples(1);
        QCOMPARE(tuples.size(), size_t(4));
        std::map<FrequencyTuple, std::set<int>> shares;
        for (const ShareRecord& s : store.shareMeasurements(1)) {
            QCOMPARE(s.splitLayer, OffloadModel::defaultSplitLayer("small_cnn"));
            QVERIFY(s.unit.emulated);
            shares[s.unit.tuple].insert(s.shareIndex);
        }
        for (const FrequencyTuple& t : tuples)
            QVERIFY2(shares[t] == std::set<int>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
                     qPrintable(QString::fromStdString(t.toString())));

        DvfoEnvironmentConfig config;
        const DvfoEnvironment env(profileTableFromStore(store, 1),
                                  OffloadModel::forZooModel("small_cnn", {}), config);
        QVERIFY2(env.edgeTailMeasured(), env.edgeTailSource().c_str());
    }
};

QTEST_GUILESS_MAIN(TestShareSweep)
#include "tst_sharesweep.moc"
