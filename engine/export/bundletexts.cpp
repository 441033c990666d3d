#include "bundletexts.h"

#include <QDateTime>
#include <QSet>
#include <QUrl>

namespace Rivulet::Export {

namespace {

// "0.0.0.0:8025" -> "localhost:8025": where a client on the same machine connects.
QString clientAddress(const QString &hostPort)
{
    const qsizetype colon = hostPort.lastIndexOf(u':');
    QString host = hostPort.left(colon);
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("*"))
        host = QStringLiteral("localhost");
    return host + hostPort.mid(colon);
}

QString portOf(const QString &hostPort)
{
    return hostPort.mid(hostPort.lastIndexOf(u':') + 1);
}

QStringList ports(const BundleInfo &info)
{
    QStringList out;
    for (const auto &app : info.apps) {
        for (const QString &s : app.wsSinks + app.wsSources)
            out << portOf(s);
        for (const QString &u : app.httpSources)
            out << QString::number(QUrl(u).port(80));
    }
    out.removeDuplicates();
    return out;
}

QString sampleEvent(const QStringList &attributes)
{
    QStringList fields;
    for (const QString &a : attributes) {
        const QString name = a.section(u':', 0, 0);
        const QString type = a.section(u':', 1);
        QString value;
        if (type == QLatin1String("string"))
            value = name.contains(QLatin1String("id"), Qt::CaseInsensitive)
                        ? QStringLiteral("\"456\"")
                        : QStringLiteral("\"text\"");
        else if (type == QLatin1String("int"))
            value = QStringLiteral("1");
        else if (type == QLatin1String("long"))
            value = QStringLiteral("1700000000000");
        else if (type == QLatin1String("float") || type == QLatin1String("double"))
            value = QStringLiteral("6.9271");
        else if (type == QLatin1String("bool"))
            value = QStringLiteral("true");
        else
            value = QStringLiteral("null");
        fields << QStringLiteral("\"%1\": %2").arg(name, value);
    }
    return QStringLiteral("{\"event\": {%1}}").arg(fields.join(QStringLiteral(", ")));
}

} // namespace

QByteArray bundleReadme(const BundleInfo &info)
{
    const QString run = QStringLiteral("bin/rivulet ") + info.runArguments.join(u' ');
    QString t;
    t += QStringLiteral("# %1: a Rivulet deployment\n\n").arg(info.name);
    t += QStringLiteral("Made by `rivulet export` on %1. This folder holds all the engine needs "
                        "on an x86-64 Linux\nwith glibc 2.36 or newer (Debian 12 or later): the "
                        "Qt libraries travel with it, no\nbuild tools and no other package are "
                        "needed.\n\n")
             .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    t +=
        QStringLiteral(
            "| path | what it is |\n|---|---|\n"
            "| `bin/rivulet` | the engine; it finds `lib/rivulet/` through its RPATH "
            "(`$ORIGIN/../lib/rivulet`) and its Qt plugins through `bin/qt.conf` |\n"
            "| `lib/rivulet/` | the shared libraries it uses (Qt and theirs; not the C library) |\n"
            "| `apps/` | the apps, their `${VAR}`s filled in |\n"
            "| `conf/rivulet.yaml` | the deployment config |\n"
            "| `apis/` | AsyncAPI 2.6 documents of the apps' endpoints (and the gateway's APIs) |\n"
            "| `systemd/` | a hardened systemd unit for `/opt/rivulet/%1` |\n"
            "| `Dockerfile` | a `debian:12-slim` image of this folder |\n"
            "| `SHA256SUMS` | check a copy with `sha256sum -c SHA256SUMS` |\n\n")
            .arg(info.name);
    t += QStringLiteral("## Start it\n\n```sh\ncd %1\n%2\n```\n\n").arg(info.name, run);
    t += QStringLiteral("It logs to standard error and stops cleanly on Ctrl+C or SIGTERM "
                        "(clients are closed with\ncode 1001). Add `--admin-port 9090` to let "
                        "`rivulet export --deploy http://localhost:9090`\nreplace its apps "
                        "while it runs (the admin key is written on first start; see\n"
                        "`bin/rivulet run --help`).\n\n");
    t += QStringLiteral("## Try it\n\n");
    for (const auto &app : info.apps) {
        if (app.wsSinks.isEmpty() && app.wsSources.isEmpty() && app.httpSources.isEmpty())
            continue;
        t += QStringLiteral("App %1 (`apps/%2`):\n\n```sh\n").arg(app.name, app.file);
        for (const QString &s : app.wsSinks)
            t += QStringLiteral("wscat -c ws://%1/          # receive its events\n")
                     .arg(clientAddress(s));
        for (const QString &s : app.wsSources)
            t += QStringLiteral("wscat -c ws://%1/          # then type events to send\n")
                     .arg(clientAddress(s));
        for (const QString &u : app.httpSources) {
            QUrl url(u);
            if (url.host() == QLatin1String("0.0.0.0"))
                url.setHost(QStringLiteral("localhost"));
            t += QStringLiteral("curl -X POST %1 -H 'Content-Type: application/json' \\\n"
                                "     -d '%2'\n")
                     .arg(url.toString(), sampleEvent(app.attributes));
        }
        t += QStringLiteral("```\n\n");
    }
    if (info.hasGatewayConfig)
        t += QStringLiteral(
            "The gateway's APIs (`apis/`, listed in `conf/rivulet.yaml`) need a token: see "
            "`bin/rivulet token --help`\nand the subscribe command of each API in its "
            "AsyncAPI document.\n\n");
    t += QStringLiteral(
             "## As a systemd service\n\n```sh\nsudo mkdir -p /opt/rivulet\n"
             "sudo cp -a . /opt/rivulet/%1\n"
             "sudo cp systemd/rivulet-%1.service /etc/systemd/system/\n"
             "sudo systemctl daemon-reload\nsudo systemctl enable --now rivulet-%1\n"
             "journalctl -u rivulet-%1 -f\n```\n\n"
             "The unit runs the engine as a dynamic user with a read-only system, no home, a "
             "private /tmp and\nits state under `/var/lib/rivulet-%1`.\n\n")
             .arg(info.name);
    QString publish;
    for (const QString &p : ports(info))
        publish += QStringLiteral(" -p %1:%1").arg(p);
    t += QStringLiteral("## In a container\n\n```sh\ndocker build -t rivulet-%1 .\n"
                        "docker run --rm%2 rivulet-%1\n```\n\n"
                        "An endpoint bound to `localhost` in an app is reachable only from "
                        "inside the container:\nbind it to `0.0.0.0` (for example through a "
                        "`${HOST}` variable at export) to publish it.\n")
             .arg(info.name, publish);
    return t.toUtf8();
}

QByteArray bundleSystemdUnit(const BundleInfo &info)
{
    const QString dir = QStringLiteral("/opt/rivulet/") + info.name;
    QString t;
    t += QStringLiteral("# The Rivulet apps of bundle %1, installed under %2 (see README.md).\n")
             .arg(info.name, dir);
    t += QStringLiteral(
             "[Unit]\nDescription=Rivulet apps: %1\nDocumentation=file:%2/README.md\n"
             "After=network-online.target\nWants=network-online.target\n\n"
             "[Service]\nType=simple\nDynamicUser=yes\nStateDirectory=rivulet-%1\n"
             "Environment=XDG_DATA_HOME=%S/rivulet-%1 HOME=%S/rivulet-%1\n"
             "WorkingDirectory=%2\nExecStart=%2/bin/rivulet %3\n"
             "Restart=on-failure\nRestartSec=2s\nKillSignal=SIGTERM\nTimeoutStopSec=20s\n"
             "NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n"
             "PrivateDevices=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\n"
             "ProtectKernelLogs=yes\nProtectControlGroups=yes\nProtectClock=yes\n"
             "ProtectHostname=yes\nRestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n"
             "RestrictNamespaces=yes\nRestrictRealtime=yes\nRestrictSUIDSGID=yes\n"
             "LockPersonality=yes\nSystemCallArchitectures=native\n"
             "SystemCallFilter=@system-service\nCapabilityBoundingSet=\nUMask=0077\n\n"
             "[Install]\nWantedBy=multi-user.target\n")
             .arg(info.name, dir, info.unitArguments.join(u' '));
    return t.toUtf8();
}

QByteArray bundleDockerfile(const BundleInfo &info)
{
    QString t;
    t += QStringLiteral("# The Rivulet apps of bundle %1 in a container (see README.md):\n"
                        "#   docker build -t rivulet-%1 . && docker run --rm rivulet-%1\n"
                        "# The bundle carries its libraries: the base image needs nothing "
                        "more.\n")
             .arg(info.name);
    t += QStringLiteral("FROM debian:12-slim\n"
                        "RUN useradd --system --create-home --home-dir /var/lib/rivulet "
                        "--shell /usr/sbin/nologin rivulet\n"
                        "COPY . /opt/rivulet\n"
                        "USER rivulet\nWORKDIR /opt/rivulet\n"
                        "ENV XDG_DATA_HOME=/var/lib/rivulet\n");
    const QStringList p = ports(info);
    if (!p.isEmpty())
        t += QStringLiteral("EXPOSE %1\n").arg(p.join(u' '));
    t += QStringLiteral("STOPSIGNAL SIGTERM\nENTRYPOINT [\"/opt/rivulet/bin/rivulet\"]\n");
    QStringList cmd;
    for (const QString &a : info.runArguments)
        cmd << QStringLiteral("\"%1\"").arg(a.startsWith(QLatin1String("./")) ? a.mid(2) : a);
    t += QStringLiteral("CMD [%1]\n").arg(cmd.join(QStringLiteral(", ")));
    return t.toUtf8();
}

QStringList bundleNotes(const BundleInfo &info)
{
    QStringList notes;
    for (const auto &app : info.apps) {
        for (const QString &s : app.wsSinks + app.wsSources) {
            const QString host = s.left(s.lastIndexOf(u':'));
            if (host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")))
                notes << QStringLiteral("%1: %2 listens on %3 only: clients on other machines "
                                        "(or outside a container) cannot reach it")
                             .arg(app.name, s, host);
        }
    }
    return notes;
}

} // namespace Rivulet::Export
