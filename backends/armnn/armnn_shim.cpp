// Arm NN behind a C interface (armnn_shim.h): the only C++ of the armnn
// delegate. Every entry catches what Arm NN throws (armnn::Exception for
// parse and load errors, std::exception otherwise) and turns it into a
// message, so no exception unwinds through the C plugin.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "backends/armnn/armnn_shim.h"

struct eb_armnn_net {
    armnn::IRuntimePtr runtime{nullptr, &armnn::IRuntime::Destroy};
    armnnTfLiteParser::ITfLiteParserPtr parser{nullptr, &armnnTfLiteParser::ITfLiteParser::Destroy};
    armnn::NetworkId id = 0;
    bool loaded = false;
    std::vector<armnnTfLiteParser::BindingPointInfo> in, out;
};

static int fail(char *msg, size_t len, const char *what, const char *why)
{
    std::snprintf(msg, len, "armnn: %s: %s", what, why);
    return -1;
}

extern "C" const char *eb_armnn_version(void) { return ARMNN_VERSION; }

extern "C" int eb_armnn_backends(char *out, size_t len)
{
    try {
        // Dynamic backends (Debian's CpuRef is one) register while a runtime
        // exists, so ask a runtime's device spec, not the static registry.
        armnn::IRuntime::CreationOptions opts;
        armnn::IRuntimePtr rt = armnn::IRuntime::Create(opts);
        std::string all;
        for (const armnn::BackendId &b : rt->GetDeviceSpec().GetSupportedBackends())
            all += (all.empty() ? "" : ", ") + b.Get();
        std::snprintf(out, len, "%s", all.c_str());
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(out, len, "%s", e.what());
        return -1;
    }
}

extern "C" int eb_armnn_load(const void *bytes, size_t n, const char *backend, eb_armnn_net **out,
                             char *msg, size_t len)
{
    *out = nullptr;
    eb_armnn_net *net = nullptr;
    try {
        net = new eb_armnn_net;
        armnn::IRuntime::CreationOptions opts;
        net->runtime = armnn::IRuntime::Create(opts);
        net->parser = armnnTfLiteParser::ITfLiteParser::Create();
        const uint8_t *b = static_cast<const uint8_t *>(bytes);
        armnn::INetworkPtr network = net->parser->CreateNetworkFromBinary(std::vector<uint8_t>(b, b + n));
        std::vector<armnn::BackendId> prefs = {armnn::BackendId(backend)};
        std::vector<std::string> why;
        armnn::IOptimizedNetworkPtr opt =
            armnn::Optimize(*network, prefs, net->runtime->GetDeviceSpec(), armnn::OptimizerOptions(),
                            armnn::Optional<std::vector<std::string> &>(why));
        if (!opt) {
            std::string all;
            for (const std::string &w : why)
                all += (all.empty() ? "" : "; ") + w;
            delete net;
            return fail(msg, len, "optimising for the backend", all.empty() ? "failed" : all.c_str());
        }
        std::string err;
        if (net->runtime->LoadNetwork(net->id, std::move(opt), err) != armnn::Status::Success) {
            delete net;
            return fail(msg, len, "loading the network", err.c_str());
        }
        net->loaded = true;
        *out = net;
        return 0;
    } catch (const std::exception &e) {
        delete net;
        return fail(msg, len, "parsing the .tflite", e.what());
    }
}

extern "C" int eb_armnn_bind(eb_armnn_net *net, int is_input, const char *name, size_t nbytes,
                             char *msg, size_t len)
{
    try {
        armnnTfLiteParser::BindingPointInfo b =
            is_input ? net->parser->GetNetworkInputBindingInfo(0, name)
                     : net->parser->GetNetworkOutputBindingInfo(0, name);
        if (b.second.GetNumBytes() != nbytes) {
            std::snprintf(msg, len, "armnn: %s '%s' holds %u bytes in Arm NN, %zu in edgebench",
                          is_input ? "input" : "output", name, b.second.GetNumBytes(), nbytes);
            return -1;
        }
        (is_input ? net->in : net->out).push_back(b);
        return 0;
    } catch (const std::exception &e) {
        return fail(msg, len, name, e.what());
    }
}

extern "C" int eb_armnn_run(eb_armnn_net *net, const void *const *in, void *const *out, char *msg,
                            size_t len)
{
    try {
        armnn::InputTensors it;
        armnn::OutputTensors ot;
        for (size_t i = 0; i < net->in.size(); i++)
            it.emplace_back(net->in[i].first, armnn::ConstTensor(net->in[i].second, in[i]));
        for (size_t i = 0; i < net->out.size(); i++)
            ot.emplace_back(net->out[i].first, armnn::Tensor(net->out[i].second, out[i]));
        if (net->runtime->EnqueueWorkload(net->id, it, ot) != armnn::Status::Success)
            return fail(msg, len, "EnqueueWorkload", "failed");
        return 0;
    } catch (const std::exception &e) {
        return fail(msg, len, "EnqueueWorkload", e.what());
    }
}

extern "C" void eb_armnn_free(eb_armnn_net *net)
{
    if (!net)
        return;
    try {
        if (net->loaded)
            net->runtime->UnloadNetwork(net->id);
    } catch (...) {
        // unloading during teardown: nothing left to report to
    }
    delete net;
}
