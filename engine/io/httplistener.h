#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QList>
#include <QString>

#include <functional>

namespace Rivulet::Io {

// An HTTP listener that dispatches by path to handlers registered at run time (http sources,
// later the gateway's token and developer endpoints and the portal). Unknown paths get a 404
// with a JSON body listing nothing secret.
class HttpListener final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    using Handler =
        std::function<void(const QHttpServerRequest &request, QHttpServerResponder &responder)>;

    explicit HttpListener(QObject *parent = nullptr);
    ~HttpListener() override;

    bool listenOn(const QString &host, quint16 port, QString *error);
    quint16 port() const { return m_port; }
    QString host() const { return m_host; }

    // Exact path, or a prefix when it ends with '/*'. Returns an id for removeRoute.
    int addRoute(const QString &path, Handler handler);
    void removeRoute(int id);
    bool hasRoutes() const { return !m_routes.isEmpty(); }

    static void respondJson(QHttpServerResponder &responder, int status, const QByteArray &json,
                            const QList<QPair<QByteArray, QByteArray>> &headers = {});

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route
    {
        int id;
        QString path;
        bool prefix;
        Handler handler;
    };
    QList<Route> m_routes;
    int m_nextId = 1;
    quint16 m_port = 0;
    QString m_host;
};

} // namespace Rivulet::Io
