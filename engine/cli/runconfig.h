#pragma once

#include "engine/gateway/deploymentconfig.h"

#include <QStringList>

#include <memory>
#include <vector>

namespace Rivulet::Runtime {
class AppRuntime;
}
namespace Rivulet::Io {
class IoContext;
}
namespace Rivulet::Gateway {
class Gateway;
}

namespace Rivulet::Cli {

// `rivulet run --config FILE`: the deployment config, and the API gateway it starts once the
// apps run (stopped before they stop).
class RunConfig
{
public:
    RunConfig();
    ~RunConfig();
    bool isSet() const { return m_set; }
    bool load(const QString &path, QString *error);
    QStringList apps() const { return m_config.apps; }
    void apply(Io::IoContext &context) const;
    // Starts the gateway on the running apps (again after a swap: stopGateway() first).
    bool startGateway(Io::IoContext &context, const std::vector<Runtime::AppRuntime *> &apps,
                      QString *error);
    void stopGateway();

private:
    bool m_set = false;
    Gateway::DeploymentConfig m_config;
    std::unique_ptr<Gateway::Gateway> m_gateway;
};

} // namespace Rivulet::Cli
