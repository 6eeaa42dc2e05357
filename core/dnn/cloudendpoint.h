#pragma once
#include "core/dnn/compressedfeatures.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// Any failure to get logits from the cloud: unreachable, timeout, HTTP error, bad reply.
class CloudError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CloudReply {
    std::vector<float> logits;
    int64_t requestBytes = 0;  // what the transport actually sent (HTTP body), 0 if unknown
    int64_t responseBytes = 0; // what it received (HTTP body), 0 if unknown
    // The server's compute time for this request as it reports it (KServe v2 response
    // parameters "compute_ms"; an emulating server reports its emulated time), -1 if unknown.
    double computeMs = -1;
    // The wall time the server really spent ("wall_ms"), -1 if unknown: round trip minus this is
    // the network's part.
    double serverWallMs = -1;
};

// Where the cloud tail runs. The HTTP implementation is remote/cloud/cloudclient.h; core only
// knows this interface, so the collaborative runner needs no networking code.
class CloudEndpoint {
public:
    virtual ~CloudEndpoint() = default;
    // Runs the cloud tail on one sample's offloaded channels. Throws CloudError on failure.
    virtual CloudReply infer(const CompressedFeatures& features) = 0;
    virtual std::string describe() const = 0;
};

} // namespace dvfo
