#pragma once

// Helpers shared by the gateway's HTTP side (gatewayhttp.cpp: OAuth2, the REST API, metrics;
// gatewayportal.cpp: the developer portal's files and sessions). Private to the gateway.

#include "gateway.h"

#include "engine/io/httplistener.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace Rivulet::Gateway::Http {

using Headers = QList<QPair<QByteArray, QByteArray>>;

// Every answer of the gateway's HTTP listeners carries these: nothing it serves may be framed,
// sniffed into another type, or leak the page's address.
inline const Headers &securityHeaders()
{
    static const Headers h = {
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
    };
    return h;
}

// The Content-Security-Policy of API answers (JSON, text): nothing may run or load from them.
inline constexpr char kApiCsp[] = "default-src 'none'; frame-ancestors 'none'";

inline QByteArray header(const Io::HttpRequest &r, const char *name)
{
    for (const auto &h : r.headers()) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

inline QByteArray errorBody(const QByteArray &code, const QString &message,
                            const QString &field = {}, qint64 retryAfter = 0)
{
    QJsonObject o;
    o.insert(QStringLiteral("error"), QString::fromLatin1(code));
    o.insert(QStringLiteral("message"), message);
    if (!field.isEmpty())
        o.insert(QStringLiteral("field"), field);
    if (retryAfter > 0)
        o.insert(QStringLiteral("retryAfter"), double(retryAfter));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline void respond(Io::HttpResponder &responder, int status, const QByteArray &body,
                    const QByteArray &contentType, const Headers &headers = {})
{
    responder.writeStatusLine(status);
    responder.writeHeader("Content-Type", contentType);
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    responder.writeHeader("Content-Security-Policy", kApiCsp);
    for (const auto &h : securityHeaders())
        responder.writeHeader(h.first, h.second);
    for (const auto &h : headers)
        responder.writeHeader(h.first, h.second);
    responder.writeBody(body);
}

inline void respondJson(Io::HttpResponder &responder, int status, const QJsonValue &value,
                        const Headers &headers = {})
{
    const QByteArray body = value.isArray()
                                ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    respond(responder, status, body, "application/json", headers);
}

inline void respondError(Io::HttpResponder &responder, const ServiceError &e, Headers headers = {})
{
    if (e.retryAfter > 0)
        headers.append({"Retry-After", QByteArray::number(e.retryAfter)});
    respond(responder, e.status, errorBody(e.code, e.message, e.field, e.retryAfter),
            "application/json", headers);
}

} // namespace Rivulet::Gateway::Http
