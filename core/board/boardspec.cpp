#include "core/board/boardspec.h"
#include "core/common/jsoninteger.h"

#include <cmath>

#include <algorithm>
#include <cstdint>

namespace dvfo {
namespace detail {
const std::map<std::string, std::string>& builtinBoardJson();
}

namespace {

using nlohmann::json;

const json& need(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key))
        throw std::runtime_error("board spec: missing field '" + where + key + "'");
    return j.at(key);
}

int intValue(const json& v, const std::string& what) {
    try {
        return jsonInteger<int>(v);
    } catch (const json::type_error&) {
        throw std::runtime_error("board spec: '" + what + "' must be an integer");
    }
}

ClockTableSpec parseTable(const json& j, const std::string& where) {
    ClockTableSpec t;
    const json& f = need(j, "frequenciesKhz", where);
    if (!f.is_array() || f.empty())
        throw std::runtime_error("board spec: '" + where +
                                 "frequenciesKhz' must be a non-empty array");
    for (const auto& v : f) {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0)
            throw std::runtime_error("board spec: '" + where +
                                     "frequenciesKhz' holds a non-positive or non-integer value");
        t.frequenciesKhz.push_back(v.get<int64_t>());
    }
    if (!std::is_sorted(t.frequenciesKhz.begin(), t.frequenciesKhz.end()) ||
        std::adjacent_find(t.frequenciesKhz.begin(), t.frequenciesKhz.end()) !=
            t.frequenciesKhz.end())
        throw std::runtime_error("board spec: '" + where +
                                 "frequenciesKhz' must be strictly ascending");
    t.partial = j.value("partial", false);
    t.note = j.value("note", "");
    return t;
}

json tableToJson(const ClockTableSpec& t) {
    json j{{"frequenciesKhz", t.frequenciesKhz}, {"partial", t.partial}};
    if (!t.note.empty())
        j["note"] = t.note;
    return j;
}

DomainModel parseDomain(const json& j, const std::string& where) {
    DomainModel d;
    d.ceffNf = need(j, "ceffNf", where).get<double>();
    d.vMin = need(j, "vMin", where).get<double>();
    d.vMax = need(j, "vMax", where).get<double>();
    if (d.ceffNf <= 0 || d.vMin <= 0 || d.vMax < d.vMin)
        throw std::runtime_error("board spec: '" + where +
                                 "' needs ceffNf > 0 and 0 < vMin <= vMax");
    return d;
}

std::string nearest(const std::vector<int64_t>& table, int64_t v) {
    auto it = std::lower_bound(table.begin(), table.end(), v);
    std::string s;
    if (it != table.begin())
        s += std::to_string(*(it - 1));
    if (it != table.end()) {
        if (!s.empty())
            s += " or ";
        s += std::to_string(*it);
    }
    return s;
}

} // namespace

BoardSpec BoardSpec::fromJson(const json& j) {
    BoardSpec b;
    try {
        b.id = need(j, "id", "").get<std::string>();
        b.name = need(j, "name", "").get<std::string>();
        b.soc = j.value("soc", "");
        b.l4t = j.value("l4t", "");
        const json& cpu = need(j, "cpu", "");
        for (const auto& c : need(cpu, "clusters", "cpu.")) {
            CpuClusterSpec cl;
            cl.name = need(c, "name", "cpu.clusters[].").get<std::string>();
            cl.policy = need(c, "policy", "cpu.clusters[].").get<std::string>();
            const json& cpus = need(c, "cpus", "cpu.clusters[].");
            if (!cpus.is_array())
                throw std::runtime_error(
                    "board spec: 'cpu.clusters[].cpus' must be an array of integers");
            for (const json& id : cpus)
                cl.cpus.push_back(intValue(id, "cpu.clusters[].cpus[]"));
            b.cpuClusters.push_back(cl);
        }
        if (b.cpuClusters.empty())
            throw std::runtime_error("board spec: 'cpu.clusters' is empty");
        b.cpu = parseTable(cpu, "cpu.");
        const json& gpu = need(j, "gpu", "");
        b.gpu = parseTable(gpu, "gpu.");
        b.gpuNodeNames =
            gpu.value("nodeNames", std::vector<std::string>{"gpu", "gp10b", "gv11b", "ga10b"});
        const json& emc = need(j, "emc", "");
        b.emc = parseTable(emc, "emc.");
        b.emcInterface = need(emc, "interface", "emc.").get<std::string>();
        if (b.emcInterface != "tegra210-debugfs" && b.emcInterface != "bpmp-debugfs")
            throw std::runtime_error("board spec: unknown emc.interface '" + b.emcInterface + "'");
        for (const auto& r : need(j, "rails", "")) {
            RailSpec rs;
            rs.name = need(r, "name", "rails[].").get<std::string>();
            rs.role = r.value("role", "");
            rs.driver = need(r, "driver", "rails[].").get<std::string>();
            rs.device = need(r, "device", "rails[].").get<std::string>();
            rs.channel = intValue(need(r, "channel", "rails[]."), "rails[].channel");
            rs.staticMw = r.value("staticMw", 0.0);
            if (r.contains("weights"))
                rs.weights = r.at("weights").get<std::map<std::string, double>>();
            b.rails.push_back(rs);
        }
        if (j.contains("governors"))
            b.governors = j.at("governors").get<std::map<std::string, std::vector<std::string>>>();
        const json& em = need(j, "emulation", "");
        b.emulation.gpuFlopsPerCycle = need(em, "gpuFlopsPerCycle", "emulation.").get<double>();
        b.emulation.emcBytesPerCycle = need(em, "emcBytesPerCycle", "emulation.").get<double>();
        b.emulation.cpuDispatchCyclesPerOp =
            need(em, "cpuDispatchCyclesPerOp", "emulation.").get<double>();
        b.emulation.cpuBaseUtilisation = em.value("cpuBaseUtilisation", 0.2);
        const json& dom = need(em, "domains", "emulation.");
        b.emulation.cpu =
            parseDomain(need(dom, "cpu", "emulation.domains."), "emulation.domains.cpu");
        b.emulation.gpu =
            parseDomain(need(dom, "gpu", "emulation.domains."), "emulation.domains.gpu");
        b.emulation.emc =
            parseDomain(need(dom, "emc", "emulation.domains."), "emulation.domains.emc");
        // Boards described before switching was modelled: the built-in boards' typical values.
        auto switchMs = [&](DomainModel& d, const char* domain, double fallback) {
            d.switchMs = dom.at(domain).value("switchMs", fallback);
            if (!std::isfinite(d.switchMs) || d.switchMs < 0)
                throw std::runtime_error(std::string("board spec: 'emulation.domains.") + domain +
                                         ".switchMs' must be >= 0 ms");
        };
        switchMs(b.emulation.cpu, "cpu", 0.3);
        switchMs(b.emulation.gpu, "gpu", 0.8);
        switchMs(b.emulation.emc, "emc", 3.0);
        if (em.contains("radio"))
            b.emulation.radioNanojoulePerByte = em.at("radio").value("nanojoulePerByte", 0.0);
        if (b.emulation.gpuFlopsPerCycle <= 0 || b.emulation.emcBytesPerCycle <= 0)
            throw std::runtime_error("board spec: emulation throughputs must be positive");
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("board spec: wrong type: ") + e.what());
    }
    return b;
}

BoardSpec BoardSpec::fromJsonText(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for 1e999
        throw std::runtime_error(std::string("board spec: not valid JSON: ") + e.what());
    }
    return fromJson(j);
}

json BoardSpec::toJson() const {
    json clusters = json::array();
    for (const auto& c : cpuClusters)
        clusters.push_back({{"name", c.name}, {"policy", c.policy}, {"cpus", c.cpus}});
    json cpuJ = tableToJson(cpu);
    cpuJ["clusters"] = clusters;
    json gpuJ = tableToJson(gpu);
    gpuJ["nodeNames"] = gpuNodeNames;
    json emcJ = tableToJson(emc);
    emcJ["interface"] = emcInterface;
    json railsJ = json::array();
    for (const auto& r : rails)
        railsJ.push_back({{"name", r.name},
                          {"role", r.role},
                          {"driver", r.driver},
                          {"device", r.device},
                          {"channel", r.channel},
                          {"staticMw", r.staticMw},
                          {"weights", r.weights}});
    auto dom = [](const DomainModel& d) {
        return json{
            {"ceffNf", d.ceffNf}, {"vMin", d.vMin}, {"vMax", d.vMax}, {"switchMs", d.switchMs}};
    };
    json em{
        {"gpuFlopsPerCycle", emulation.gpuFlopsPerCycle},
        {"emcBytesPerCycle", emulation.emcBytesPerCycle},
        {"cpuDispatchCyclesPerOp", emulation.cpuDispatchCyclesPerOp},
        {"cpuBaseUtilisation", emulation.cpuBaseUtilisation},
        {"domains",
         {{"cpu", dom(emulation.cpu)}, {"gpu", dom(emulation.gpu)}, {"emc", dom(emulation.emc)}}},
        {"radio", {{"nanojoulePerByte", emulation.radioNanojoulePerByte}}}};
    return json{{"schema", 1},     {"id", id},
                {"name", name},    {"soc", soc},
                {"l4t", l4t},      {"cpu", cpuJ},
                {"gpu", gpuJ},     {"emc", emcJ},
                {"rails", railsJ}, {"governors", governors},
                {"emulation", em}};
}

std::vector<std::string> BoardSpec::builtinIds() {
    std::vector<std::string> ids;
    for (const auto& [id, text] : detail::builtinBoardJson())
        ids.push_back(id);
    return ids;
}

BoardSpec BoardSpec::builtin(const std::string& id) {
    const auto& all = detail::builtinBoardJson();
    auto it = all.find(id);
    if (it == all.end()) {
        std::string known;
        for (const auto& [k, v] : all)
            known += (known.empty() ? "" : ", ") + k;
        throw std::invalid_argument("unknown board '" + id + "' (known: " + known + ")");
    }
    return fromJsonText(it->second);
}

void BoardSpec::validate(const FrequencyTuple& t) const {
    auto check = [&](const char* what, const ClockTableSpec& table, int64_t v) {
        if (!std::binary_search(table.frequenciesKhz.begin(), table.frequenciesKhz.end(), v))
            throw InvalidTupleError(
                std::string(what) + " frequency " + std::to_string(v) + " kHz is not in the " +
                name + " table (nearest: " + nearest(table.frequenciesKhz, v) + " kHz)");
    };
    check("CPU", cpu, t.cpuKhz);
    check("GPU", gpu, t.gpuKhz);
    check("EMC", emc, t.emcKhz);
}

bool BoardSpec::contains(const FrequencyTuple& t) const {
    try {
        validate(t);
        return true;
    } catch (const InvalidTupleError&) {
        return false;
    }
}

FrequencyTuple BoardSpec::maxTuple() const {
    return {cpu.frequenciesKhz.back(), gpu.frequenciesKhz.back(), emc.frequenciesKhz.back()};
}

FrequencyTuple BoardSpec::minTuple() const {
    return {cpu.frequenciesKhz.front(), gpu.frequenciesKhz.front(), emc.frequenciesKhz.front()};
}

size_t BoardSpec::tupleCount() const {
    return cpu.frequenciesKhz.size() * gpu.frequenciesKhz.size() * emc.frequenciesKhz.size();
}

std::string BoardSpec::inputRail() const {
    for (const auto& r : rails)
        if (r.role == "input")
            return r.name;
    return {};
}

double BoardSpec::idlePowerMw() const {
    const std::string input = inputRail();
    double sum = 0;
    for (const auto& r : rails) {
        if (r.name == input)
            return r.staticMw;
        sum += r.staticMw;
    }
    return sum;
}

} // namespace dvfo
