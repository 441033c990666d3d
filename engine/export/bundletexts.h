#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Rivulet::Export {

// What the texts of a bundle (README, systemd unit, Dockerfile) say about it.
struct BundleInfo
{
    struct AppInfo
    {
        QString name;
        QString file;            // apps/<file>
        QStringList wsSinks;     // host:port
        QStringList wsSources;   // host:port
        QStringList httpSources; // receiver URLs
        QStringList attributes;  // name:type of the http source's stream
    };
    QString name; // the bundle folder's name
    bool standalone = false;
    QStringList runArguments;  // from the bundle's folder: run ...
    QStringList unitArguments; // installed under /opt/rivulet/<name>
    bool hasGatewayConfig = false;
    QList<AppInfo> apps;
};

QByteArray bundleReadme(const BundleInfo &info);
QByteArray bundleSystemdUnit(const BundleInfo &info);
QByteArray bundleDockerfile(const BundleInfo &info);
// Things to tell the user at export time (a sink bound to localhost is not reachable from
// outside a container, ...).
QStringList bundleNotes(const BundleInfo &info);

} // namespace Rivulet::Export
