// Policy bundles: manifest round trip, every validation error with its message, the workspace's
// bundle and deployment history, the runtime's policy loading and telemetry files.
#include "core/attention/attentionsplit.h"
#include "core/board/boardspec.h"
#include "core/bundle/bundleerror.h"
#include "core/workspace/bundlestore.h"
#include "core/bundle/policybundle.h"
#include "core/workspace/profilestore.h"
#include "remote/edge/runtimepolicy.h"
#include "remote/edge/telemetrywriter.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace dvfo;
namespace fs = std::filesystem;

class TestPolicyBundle : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string policyDir_, attentionDir_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }

    BundleCreateOptions options(const std::string& out) const {
        BundleCreateOptions o;
        o.policyDir = policyDir_;
        o.attentionDir = attentionDir_;
        o.outDir = path(out);
        o.boardSpecId = "xavier-nx";
        o.eta = 0.7;
        o.sloMs = 25;
        o.sessionId = 3;
        o.runId = 4;
        o.endpoint.url = "http://127.0.0.1:8000";
        return o;
    }
    static std::string joined(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v)
            s += x + "\n";
        return s;
    }
    static bool mentions(const std::vector<std::string>& problems, const std::string& text) {
        for (const auto& p : problems)
            if (p.find(text) != std::string::npos)
                return true;
        return false;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        policyDir_ = path("policy");
        fs::create_directories(policyDir_);
        std::ofstream(policyDir_ + "/policy.json")
            << R"({"format":"dvfo-fixed-policy","version":1,"tuple":"max","share":0.3})";
        attentionDir_ = path("attention");
        AttentionSplit::create({"small_cnn", "", 1})->save(attentionDir_);
    }

    void manifestRoundTrip() {
        const BundleManifest m = PolicyBundle::create(options("b1"));
        QVERIFY(!fs::exists(path("b1.part")));
        QCOMPARE(m.boardSpecId, std::string("xavier-nx"));
        QCOMPARE(m.model, std::string("small_cnn")); // from the checkpoint
        QCOMPARE(m.files.size(), size_t(3));
        QVERIFY(m.findRole("policy-sidecar") && m.findRole("attention") &&
                m.findRole("attention-weights"));
        QCOMPARE(m.findRole("attention-weights")->size,
                 int64_t(fs::file_size(attentionDir_ + "/weights.pt")));
        const BundleManifest loaded = BundleManifest::load(path("b1"));
        QCOMPARE(loaded.toJson(), m.toJson());
        QCOMPARE(loaded.eta, 0.7);
        QCOMPARE(loaded.sloMs, 25.0);
        QCOMPARE(loaded.runId, int64_t(4));
        QCOMPARE(loaded.endpoint.url, std::string("http://127.0.0.1:8000"));
        QCOMPARE(BundleManifest::fromJson(m.toJson()).toJson(), m.toJson());
        QVERIFY2(PolicyBundle::problems(path("b1"), {"xavier-nx", "small_cnn"}).empty(),
                 joined(PolicyBundle::problems(path("b1"), {"xavier-nx", "small_cnn"})).c_str());
        // Same content, same hash part of the version; a second create into the same dir is
        // refused.
        QVERIFY_THROWS_EXCEPTION(BundleError, PolicyBundle::create(options("b1")));
    }

    void createRefusesBadInputs() {
        auto o = options("bad1");
        o.policyDir = path("nowhere");
        try {
            PolicyBundle::create(o);
            QFAIL("missing policy dir accepted");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find("policy directory") != std::string::npos, e.what());
        }
        o = options("bad2");
        o.version = "a/b";
        QVERIFY_THROWS_EXCEPTION(BundleError, PolicyBundle::create(o));
        QVERIFY(!fs::exists(path("bad2")) && !fs::exists(path("bad2.part")));
        o = options("bad3");
        o.endpoint.fallback = "pray";
        QVERIFY_THROWS_EXCEPTION(BundleError, PolicyBundle::create(o));
    }

    void validationErrorsEachWithItsMessage() {
        auto o = options("v");
        o.version = "v1";
        PolicyBundle::create(o);
        const std::string dir = path("v");

        auto p = PolicyBundle::problems(dir, {"jetson-nano", ""});
        QVERIFY2(mentions(p, "is for board 'xavier-nx' but the target is 'jetson-nano'"),
                 joined(p).c_str());
        p = PolicyBundle::problems(dir, {"", "resnet_mini"});
        QVERIFY2(mentions(p, "is for model 'small_cnn' but 'resnet_mini' was expected"),
                 joined(p).c_str());
        p = PolicyBundle::problems(dir, {"", "", 0});
        QVERIFY2(mentions(p, "needs protocol version 1 but this agent speaks 0"),
                 joined(p).c_str());

        // Checksum: same size, one byte changed after the manifest was written.
        const std::string weights = dir + "/attention/weights.pt";
        {
            std::fstream f(weights, std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(100);
            char c = 0;
            f.read(&c, 1);
            f.seekp(100);
            c = char(c ^ 0x5a);
            f.write(&c, 1);
        }
        p = PolicyBundle::problems(dir);
        QVERIFY2(mentions(p, "checksum mismatch for attention/weights.pt"), joined(p).c_str());
        try {
            PolicyBundle::validate(dir);
            QFAIL("a corrupt bundle was accepted");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).rfind("bundle refused: checksum mismatch", 0) == 0,
                     e.what());
        }
        { std::ofstream(weights, std::ios::app) << "x"; }
        QVERIFY(mentions(PolicyBundle::problems(dir), "size mismatch for attention/weights.pt"));
        fs::remove(weights);
        QVERIFY(mentions(PolicyBundle::problems(dir), "missing file attention/weights.pt"));

        // Manifest: missing, malformed, a field missing.
        auto j = BundleManifest::load(dir).toJson();
        j.erase("boardSpecId");
        std::ofstream(dir + "/manifest.json") << j.dump();
        QVERIFY(mentions(PolicyBundle::problems(dir), "missing field 'boardSpecId'"));
        std::ofstream(dir + "/manifest.json") << "{not json";
        QVERIFY(mentions(PolicyBundle::problems(dir), "not valid JSON"));
        fs::remove(dir + "/manifest.json");
        QVERIFY(mentions(PolicyBundle::problems(dir), "missing manifest.json"));
        j["boardSpecId"] = "xavier-nx";
        j["files"][0]["path"] = "../../etc/passwd";
        QVERIFY_THROWS_EXCEPTION(BundleError, BundleManifest::fromJson(j));

        // An integer field holding a float too large for it (found by fuzz_bundlemanifest: the
        // conversion was undefined behaviour) is refused like any wrong type.
        j["files"][0]["path"] = "policy/policy.json";
        j["protocolVersion"] = 1e47;
        try {
            BundleManifest::fromJson(j);
            QFAIL("protocolVersion 1e47 was accepted");
        } catch (const BundleError& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("bundle manifest: field 'protocolVersion' has the wrong type"));
        }
        j["protocolVersion"] = 1;
        j["cloudEndpoint"]["timeoutMs"] = -3e300;
        QVERIFY_THROWS_EXCEPTION(BundleError, BundleManifest::fromJson(j));
        j["cloudEndpoint"]["timeoutMs"] = 1000;
        QCOMPARE(BundleManifest::fromJson(j).endpoint.timeoutMs, 1000);
    }

    void storeKeepsBundlesAndHistoryPerBoard() {
        const std::string db = path("workspace.db");
        BundleStore store(db);
        {
            ProfileStore check(db);
            QCOMPARE(check.schemaVersion(), ProfileStore::latestSchemaVersion());
        }
        const BundleManifest m = BundleManifest::load(path("b1"));
        StoredBundle b;
        b.name = "first";
        b.version = m.bundleVersion;
        b.boardSpecId = m.boardSpecId;
        b.model = m.model;
        b.sessionId = 42; // not in this workspace: kept in the manifest only
        b.path = path("b1");
        b.manifestJson = m.toJson().dump();
        const int64_t id = store.addBundle(b);
        QVERIFY(id > 0);
        const auto found = store.findBundle(id);
        QVERIFY(found.has_value());
        QCOMPARE(found->version, m.bundleVersion);
        QCOMPARE(found->sessionId, int64_t(0));
        QCOMPARE(store.findBundleByVersion(m.bundleVersion)->id, id);
        QVERIFY(!store.findBundle(id + 100).has_value());
        QCOMPARE(store.bundles().size(), size_t(1));

        DeploymentRecord d;
        d.board = "nx1";
        d.bundleId = id;
        d.bundleVersion = m.bundleVersion;
        const int64_t d1 = store.startDeployment(d);
        QCOMPARE(store.history("nx1").front().status, DeploymentStatus::Running);
        store.finishDeployment(d1, DeploymentStatus::Succeeded, "running",
                               R"([{"step":"check","ok":true}])");
        d.bundleVersion = "v2";
        d.previousVersion = m.bundleVersion;
        const int64_t d2 = store.startDeployment(d);
        store.finishDeployment(d2, DeploymentStatus::RolledBack, "health: policy failed to load",
                               "[]");
        d.board = "nano";
        store.startDeployment(d);
        const auto h = store.history("nx1");
        QCOMPARE(h.size(), size_t(2));
        QCOMPARE(h[0].id, d2); // newest first
        QCOMPARE(h[0].status, DeploymentStatus::RolledBack);
        QCOMPARE(h[0].previousVersion, m.bundleVersion);
        QVERIFY(!h[0].endedAt.empty());
        QCOMPARE(h[1].stepsJson, std::string(R"([{"step":"check","ok":true}])"));
        QCOMPARE(store.history("nano").size(), size_t(1));
    }

    void runtimePolicyLoadsOrSaysWhy() {
        const BoardSpec nx = BoardSpec::builtin("xavier-nx");
        auto fixed = loadRuntimePolicy(policyDir_, nx);
        const auto d = fixed->initial();
        QCOMPARE(d.tuple.cpuKhz, nx.cpu.frequenciesKhz.back());
        QCOMPARE(d.share, 0.3);
        RuntimeObservation o;
        o.link = {10, 20};
        o.previous = d;
        QCOMPARE(fixed->decide(o).tuple, d.tuple);
        const std::string bad = path("badpolicy");
        fs::create_directories(bad);
        std::ofstream(bad + "/policy.json") << R"({"format":"dvfo-fixed-policy","tuple":"1/2/3"})";
        try {
            loadRuntimePolicy(bad, nx);
            QFAIL("an invalid tuple was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("tuple '1/2/3' is not usable on xavier-nx") !=
                         std::string::npos,
                     e.what());
        }
        std::ofstream(bad + "/policy.json") << R"({"format":"something"})";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, loadRuntimePolicy(bad, nx));
    }

    void telemetrySequenceSurvivesRestartAndRotation() {
        const std::string a = path("t.jsonl"), b = path("t.1.jsonl");
        {
            TelemetryWriter w(a, b, 200); // tiny limit: rotates every ~5 records
            for (int i = 0; i < 10; ++i)
                QCOMPARE(w.write({{"latencyMs", i}}), int64_t(i + 1));
        }
        QVERIFY(fs::exists(b));
        TelemetryWriter again(a, b, 200);
        QCOMPARE(again.lastSeq(), int64_t(10));
        QCOMPARE(again.write({{"latencyMs", 99}}), int64_t(11));
        const auto since = TelemetryWriter::readSince(a, b, 9);
        QCOMPARE(since.size(), size_t(2));
        QCOMPARE(since[0]["seq"].get<int64_t>(), int64_t(10));
        QCOMPARE(since[1]["latencyMs"].get<int>(), 99);
        QCOMPARE(TelemetryWriter::readSince(a, b, 11).size(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPolicyBundle)
#include "tst_policybundle.moc"
