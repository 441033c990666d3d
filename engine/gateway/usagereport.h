#pragma once

#include "keystore.h"
#include "policy.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

namespace Rivulet::Gateway {

// One line of the monetization report: a subscription's events in one period, and what they
// cost under its policy. Built from the same counters that throttling uses, so what is billed is
// what was delivered.
struct UsageRow
{
    QString period; // "2026-11" (month) or "2026-11-27" (day)
    QString tenant, application, applicationId, subscriptionId, api, version, policy;
    qint64 delivered = 0;
    qint64 throttled = 0;
    qint64 bytes = 0;
    qint64 freeEvents = 0;     // the policy's free allowance per month
    qint64 billableEvents = 0; // delivered beyond the month's free allowance
    double price = 0;
    qint64 pricePerEvents = 1;
    QString currency;
    double amount = 0;
};

struct UsageFilter
{
    QString period = QStringLiteral("month"); // or "day"
    QString from;                             // YYYY-MM-DD, inclusive; empty: open
    QString to;
    QString tenant;                    // empty: every tenant
    QSet<QString> applicationIds;      // uuids; empty: every application
    bool restrictApplications = false; // true: only applicationIds (even when empty)
};

// Reads the usage counters of the key store. False with an error for a bad period or date.
bool buildUsageReport(KeyStore &store, const QList<ThrottlePolicy> &policies,
                      const UsageFilter &filter, QList<UsageRow> *rows, QString *error);
QByteArray usageCsv(const QList<UsageRow> &rows);
QJsonObject usageJson(const QList<UsageRow> &rows, const UsageFilter &filter);

} // namespace Rivulet::Gateway
