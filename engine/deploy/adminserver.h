#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace Rivulet::Io {
class HttpListener;
class HttpRequest;
class HttpResponder;
} // namespace Rivulet::Io

namespace Rivulet::Deploy {

class AppHost;

// The admin REST API of `rivulet run --admin-port PORT` (loopback unless --admin-host says
// otherwise). Every request needs `Authorization: Bearer <admin key>`.
//   GET    /admin/v1/apps          the running apps and their endpoints
//   POST   /admin/v1/apps          {"apps":[{"file":"A.siddhi","source":"..."}]}: validates
//                                  every app first (422 with diagnostics, nothing changed),
//                                  then swaps each in (200; 409 when one could not start, the
//                                  previous version serving again)
//   POST   /admin/v1/validate      the same body: diagnostics only
//   DELETE /admin/v1/apps/{name}   stops and removes an app
// docs/EXPORT.md describes the answers.
class AdminServer final : public QObject
{
    Q_OBJECT

public:
    explicit AdminServer(AppHost &host, QObject *parent = nullptr);
    ~AdminServer() override;

    bool listen(const QString &host, quint16 port, QString *error);
    quint16 port() const;
    void setKey(const QByteArray &key) { m_key = key; }

    // The key in path (first line), or a new random one written there (mode 0600) when the
    // file does not exist.
    static bool loadOrCreateKey(const QString &path, QByteArray *key, bool *created,
                                QString *error);
    // $XDG_DATA_HOME/rivulet/admin.key (~/.local/share/rivulet/admin.key).
    static QString defaultKeyFile();

private:
    void handle(const Io::HttpRequest &request, Io::HttpResponder &responder);
    void deploy(const Io::HttpRequest &request, Io::HttpResponder &responder, bool validateOnly);

    AppHost &m_host;
    Io::HttpListener *m_listener = nullptr;
    QByteArray m_key;
};

} // namespace Rivulet::Deploy
