#include "remote/client/agentclient.h"

#include <chrono>

namespace dvfo {

using nlohmann::json;

AgentClient::AgentClient(std::unique_ptr<LineTransport> transport, int helloTimeoutMs)
    : transport_(std::move(transport)) {
    const auto line = transport_->readLine(helloTimeoutMs);
    if (!line)
        throw TransportError(transport_->describe() + ": the agent did not greet within " +
                             std::to_string(helloTimeoutMs / 1000) + " s");
    protocol::Message m;
    try {
        m = protocol::parseMessage(*line);
    } catch (const protocol::ProtocolError& e) {
        throw AgentError(e.code(), transport_->describe() +
                                       ": unexpected greeting from the agent: " + e.what());
    }
    if (m.kind != protocol::Message::Kind::Event || m.event != "hello")
        throw AgentError(protocol::code::kMalformed,
                         transport_->describe() + ": the agent did not start with hello");
    hello_ = m.body;
}

AgentClient::~AgentClient() {
    close();
}

void AgentClient::close() {
    if (transport_)
        transport_->close();
}

json AgentClient::call(const std::string& op, const json& params, const EventHandler& onEvent,
                       const std::atomic<bool>* cancel, int idleTimeoutMs) {
    protocol::Request r;
    r.id = nextId_++;
    r.op = op;
    r.params = params;
    transport_->writeLine(protocol::requestLine(r));
    bool cancelSent = false;
    auto lastLine = std::chrono::steady_clock::now();
    for (;;) {
        if (cancel && *cancel && !cancelSent) {
            protocol::Request c;
            c.id = nextId_++;
            c.op = "cancel";
            c.params = {{"id", r.id}};
            transport_->writeLine(protocol::requestLine(c));
            cancelSent = true;
        }
        const auto line = transport_->readLine(200);
        if (!line) {
            if (std::chrono::steady_clock::now() - lastLine >
                std::chrono::milliseconds(idleTimeoutMs))
                throw TransportError(transport_->describe() + ": no answer to '" + op + "' for " +
                                     std::to_string(idleTimeoutMs / 1000) + " s");
            continue;
        }
        lastLine = std::chrono::steady_clock::now();
        protocol::Message m;
        try {
            m = protocol::parseMessage(*line);
        } catch (const protocol::ProtocolError& e) {
            throw AgentError(e.code(), transport_->describe() +
                                           ": malformed line from the agent: " + e.what());
        }
        if (m.id != r.id)
            continue; // the answer to our cancel, or a stray line of an earlier request
        switch (m.kind) {
        case protocol::Message::Kind::Event:
            if (onEvent)
                onEvent(m.event, m.body);
            break;
        case protocol::Message::Kind::Result:
            return m.body;
        case protocol::Message::Kind::Error:
            throw AgentError(m.errorCode, m.errorMessage);
        }
    }
}

} // namespace dvfo
