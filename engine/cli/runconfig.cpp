#include "runconfig.h"

#include "engine/gateway/gateway.h"
#include "engine/io/iocontext.h"
#include "engine/runtime/appruntime.h"

namespace Rivulet::Cli {

RunConfig::RunConfig() = default;

RunConfig::~RunConfig()
{
    stopGateway();
}

bool RunConfig::load(const QString &path, QString *error)
{
    m_set = Gateway::loadDeploymentConfig(path, &m_config, error);
    return m_set;
}

void RunConfig::apply(Io::IoContext &context) const
{
    if (m_set)
        context.setVariables(m_config.variables);
}

bool RunConfig::startGateway(Io::IoContext &context, const std::vector<Runtime::AppRuntime *> &apps,
                             QString *error)
{
    if (!m_set)
        return true;
    m_gateway = std::make_unique<Gateway::Gateway>(m_config, context);
    if (!m_gateway->start(apps, error)) {
        m_gateway.reset();
        return false;
    }
    return true;
}

void RunConfig::stopGateway()
{
    if (m_gateway) {
        m_gateway->stop();
        m_gateway.reset();
    }
}

} // namespace Rivulet::Cli
