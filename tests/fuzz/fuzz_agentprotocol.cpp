// The agent protocol (core/protocol.*): one line from the studio (parseRequest) or from an agent
// (parseMessage). Only ProtocolError may escape, and what parses must survive a round trip.
#include "remote/protocol/protocol.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace dvfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string line(reinterpret_cast<const char*>(data), size);
    try {
        const protocol::Request r = protocol::parseRequest(line);
        const protocol::Request again = protocol::parseRequest(protocol::requestLine(r));
        if (again.id != r.id || again.op != r.op || again.params != r.params)
            std::abort();
        (void)protocol::resultLine(r.id, r.params);
    } catch (const protocol::ProtocolError&) {
    }
    try {
        const protocol::Message m = protocol::parseMessage(line);
        (void)protocol::errorLine(m.id, m.errorCode, m.errorMessage);
        (void)protocol::eventLine(m.id, m.event, m.body);
    } catch (const protocol::ProtocolError&) {
    }
    // Error answers quote what was received, bytes that are not UTF-8 included.
    (void)protocol::errorLine(0, protocol::code::kMalformed, line);
    return 0;
}
