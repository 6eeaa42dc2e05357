#include "remote/edge/modelruntimepolicy.h"
#include "core/common/jsoninteger.h"

#include "core/rl/dvfotrainingsettings.h"
#include "core/dnn/offloadmodel.h"
#include "core/profile/profiletable.h"

namespace dvfo {

using nlohmann::json;

namespace {

// The profile's share measurements, carried so the board's cost model charges what the studio's
// did.
json shareRecordsJson(const ProfileTable& profile) {
    json shares = json::array();
    for (const ShareRecord& r : profile.shareRecords())
        shares.push_back(r.toJson());
    return shares;
}

} // namespace

json ModelRuntimePolicy::sidecar(const DvfoEnvironment& env, const std::string& settingsJson,
                                 const std::string& name, const ActionRestriction& r) {
    json records = json::array();
    for (const LayerRecord& rec : env.profile().records())
        records.push_back(rec.toJson());
    json settings = json::parse(settingsJson);
    settings["attentionReport"] = ""; // a path on the studio machine; bytes are in the model
    if (settings.value("switchCost", std::string("off")) == "on") // what the studio charged
        settings["switchTimes"] = env.config().switching.toJson();
    return {
        {"format", kFormat},
        {"version", 1},
        {"name", name},
        {"boardSpecId", env.profile().board().id},
        {"model", env.profile().model()},
        {"splitLayer", env.offload().splitLayer()},
        {"restriction",
         {{"share", r.shareIndex}, {"cpu", r.cpuLevel}, {"gpu", r.gpuLevel}, {"emc", r.emcLevel}}},
        {"settings", settings},
        {"records", records},
        {"shareRecords", shareRecordsJson(env.profile())}};
}

std::unique_ptr<DvfoEnvironment> ModelRuntimePolicy::costModelFrom(const json& j,
                                                                   const BoardSpec& board) {
    if (!j.is_object() || !j.contains("settings") || !j.contains("records") || !j.contains("model"))
        return nullptr;
    try {
        std::vector<LayerRecord> records;
        for (const json& r : j.at("records"))
            records.push_back(LayerRecord::fromJson(r));
        DvfoTrainingSettings settings = DvfoTrainingSettings::fromJson(j.at("settings").dump());
        settings.attentionReport.clear(); // a path on the studio machine
        // Predictions and the argmin take the link as an argument; the training trace may name
        // csv files or folders of the studio machine (dir:, csv:), which the board has not.
        settings.trace = "constant:10,20";
        ProfileTable table(board, j.at("model").get<std::string>(), records);
        // The share sweep's measurements; sidecars from before it have none (roofline ratio).
        std::vector<ShareRecord> shares;
        if (j.contains("shareRecords"))
            for (const json& r : j.at("shareRecords"))
                shares.push_back(ShareRecord::fromJson(r));
        table.setShareRecords(shares);
        auto env = settings.makeEnvironment(std::move(table));
        env->reset(1); // levels and validation need an episode; bestAction() does not
        return env;
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("policy sidecar's cost model: ") + e.what());
    }
}

ModelRuntimePolicy::ModelRuntimePolicy(const json& j, const BoardSpec& board) {
    try {
        name_ = j.at("name").get<std::string>();
        env_ = costModelFrom(j, board);
        if (!env_)
            throw std::runtime_error(
                "model-based policy sidecar has no model, settings or records");
        const json& r = j.at("restriction");
        restriction_.shareIndex = jsonIntegerOr<int>(r, "share", -1);
        restriction_.cpuLevel = jsonIntegerOr<int>(r, "cpu", -1);
        restriction_.gpuLevel = jsonIntegerOr<int>(r, "gpu", -1);
        restriction_.emcLevel = jsonIntegerOr<int>(r, "emc", -1);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("model-based policy sidecar: ") + e.what());
    }
}

RuntimeDecision ModelRuntimePolicy::decisionFor(const FactoredAction& a) const {
    const BoardSpec& b = env_->profile().board();
    RuntimeDecision d;
    d.action = a;
    d.tuple = {b.cpu.frequenciesKhz.at(size_t(a[0])), b.gpu.frequenciesKhz.at(size_t(a[1])),
               b.emc.frequenciesKhz.at(size_t(a[2]))};
    d.share = OffloadModel::shareAt(a[3]);
    return d;
}

RuntimeDecision ModelRuntimePolicy::initial() const {
    return decisionFor(env_->maxClocks(0));
}

RuntimeDecision ModelRuntimePolicy::decide(const RuntimeObservation& o) {
    ActionRestriction r = restriction_;
    if (!o.offloadAllowed)
        r.shareIndex = 0;
    const FactoredAction previous =
        o.previous.action.size() == 4 ? o.previous.action : env_->maxClocks(0);
    return decisionFor(env_->bestAction(o.link, previous, 0.0, r));
}

} // namespace dvfo
