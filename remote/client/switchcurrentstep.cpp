#include "remote/client/switchcurrentstep.h"

#include "remote/edge/runtimelayout.h"

#include <nlohmann/json.hpp>

namespace dvfo {

void SwitchCurrentStep::run(DeployContext& c) {
    const std::string current = c.linkTarget("current");
    c.previousDir = current;
    // `current` itself may be unconfirmed (a deploy killed before its health check): then the
    // bundle to fall back to is the one its marker names, never the unconfirmed one.
    const std::string markerText =
        c.run("cat " + BoardShell::quote(c.root + "/pending") + " 2>/dev/null || true",
              "reading the pending marker");
    const auto marker = nlohmann::json::parse(markerText, nullptr, false);
    if (!current.empty() && marker.is_object() && marker.value("bundle", "") == current)
        c.previousDir = marker.value("fallback", std::string());
    c.previousVersion =
        c.previousDir.empty() ? std::string() : RuntimeLayout::versionOfBundleDir(c.previousDir);
    // `previous` first: at every point from here on, the board has a confirmed bundle to fall
    // back to, and the marker says `current` is not confirmed before `current` changes.
    if (!c.previousDir.empty())
        c.switchLink("previous", c.previousDir);
    c.checkpoint("switch:previous");
    c.run(c.markerCommand(false), "writing the pending marker");
    c.checkpoint("switch:pending");
    c.switched = true;
    c.switchLink("current", c.bundleDir);
    c.report(name(), "current -> " + c.bundleDir +
                         (c.previousDir.empty() ? "" : " (previous " + c.previousDir + ")"));
    c.checkpoint("switch:current");
}

} // namespace dvfo
