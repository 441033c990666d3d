#include "usagereport.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>

#include <cmath>

namespace Rivulet::Gateway {

namespace {

bool validDay(const QString &day)
{
    // QDate::fromString(ISODate) accepts trailing text: check the shape first.
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    return day.isEmpty()
           || (shape.match(day).hasMatch() && QDate::fromString(day, Qt::ISODate).isValid());
}

QByteArray csvField(const QString &s)
{
    QByteArray b = s.toUtf8();
    if (b.contains(',') || b.contains('"') || b.contains('\n') || b.contains('\r')) {
        b.replace("\"", "\"\"");
        return '"' + b + '"';
    }
    return b;
}

double round4(double v)
{
    return std::round(v * 10000.0) / 10000.0;
}

} // namespace

bool buildUsageReport(KeyStore &store, const QList<ThrottlePolicy> &policies,
                      const UsageFilter &filter, QList<UsageRow> *rows, QString *error)
{
    if (filter.period != QLatin1String("month") && filter.period != QLatin1String("day")) {
        *error = QStringLiteral("period must be month or day, found '%1'").arg(filter.period);
        return false;
    }
    if (!validDay(filter.from) || !validDay(filter.to)) {
        *error = QStringLiteral("dates are YYYY-MM-DD, found '%1'")
                     .arg(validDay(filter.from) ? filter.to : filter.from);
        return false;
    }
    QHash<qint64, ApplicationRecord> apps;
    for (const ApplicationRecord &a : store.applications(true))
        apps.insert(a.id, a);
    QHash<qint64, SubscriptionRecord> subs;
    for (const SubscriptionRecord &s : store.subscriptions(true))
        subs.insert(s.id, s);
    // The free allowance is per month: read from the first day of the month of `from`.
    const QString readFrom = filter.from.isEmpty() ? QString() : filter.from.left(8) + u"01";
    const QList<UsageRecord> daily = store.usage(readFrom, filter.to);

    // Per subscription and month, the days in order (the store returns them sorted).
    QMap<QPair<qint64, QString>, UsageRow> out; // (subscription, period)
    qint64 cumulative = 0;
    QPair<qint64, QString> month{-1, QString()};
    for (const UsageRecord &u : daily) {
        const SubscriptionRecord s = subs.value(u.subscriptionId);
        const ApplicationRecord a = apps.value(s.applicationId);
        if (s.id == 0)
            continue;
        ThrottlePolicy p;
        p.pricePerEvents = 1;
        p.currency.clear();
        for (const ThrottlePolicy &candidate : policies) {
            if (candidate.name == s.policy)
                p = candidate;
        }
        const QPair<qint64, QString> thisMonth{u.subscriptionId, u.day.left(7)};
        if (thisMonth != month) {
            month = thisMonth;
            cumulative = 0;
        }
        const qint64 before = std::max<qint64>(0, cumulative - p.freeEvents);
        cumulative += u.delivered;
        const qint64 billable = std::max<qint64>(0, cumulative - p.freeEvents) - before;
        if (!filter.from.isEmpty() && u.day < filter.from)
            continue; // only counted towards the free allowance
        if (!filter.tenant.isEmpty() && s.tenant != filter.tenant)
            continue;
        if (filter.restrictApplications && !filter.applicationIds.contains(a.uuid))
            continue;
        const QString period = filter.period == QLatin1String("day") ? u.day : u.day.left(7);
        UsageRow &row = out[{u.subscriptionId, period}];
        if (row.period.isEmpty()) {
            row.period = period;
            row.tenant = s.tenant;
            row.application = a.name;
            row.applicationId = a.uuid;
            row.subscriptionId = s.uuid;
            row.api = s.api;
            row.version = s.apiVersion;
            row.policy = s.policy;
            row.freeEvents = p.freeEvents;
            row.price = p.price;
            row.pricePerEvents = std::max<qint64>(1, p.pricePerEvents);
            row.currency = p.currency;
        }
        row.delivered += u.delivered;
        row.throttled += u.throttled;
        row.bytes += u.bytes;
        row.billableEvents += billable;
    }
    rows->clear();
    for (UsageRow &row : out) {
        row.amount = round4(double(row.billableEvents) * row.price / double(row.pricePerEvents));
        rows->append(row);
    }
    std::sort(rows->begin(), rows->end(), [](const UsageRow &a, const UsageRow &b) {
        if (a.period != b.period)
            return a.period < b.period;
        if (a.application != b.application)
            return a.application < b.application;
        return a.subscriptionId < b.subscriptionId;
    });
    return true;
}

QByteArray usageCsv(const QList<UsageRow> &rows)
{
    QByteArray out = "period,tenant,application,application_id,subscription_id,api,version,policy,"
                     "delivered,throttled,bytes,free_events,billable_events,price,"
                     "price_per_events,currency,amount\r\n";
    for (const UsageRow &r : rows) {
        const QList<QByteArray> fields = {
            csvField(r.period),
            csvField(r.tenant),
            csvField(r.application),
            csvField(r.applicationId),
            csvField(r.subscriptionId),
            csvField(r.api),
            csvField(r.version),
            csvField(r.policy),
            QByteArray::number(r.delivered),
            QByteArray::number(r.throttled),
            QByteArray::number(r.bytes),
            QByteArray::number(r.freeEvents),
            QByteArray::number(r.billableEvents),
            QByteArray::number(r.price, 'f', 4),
            QByteArray::number(r.pricePerEvents),
            csvField(r.currency),
            QByteArray::number(r.amount, 'f', 4),
        };
        out += fields.join(',') + "\r\n";
    }
    return out;
}

QJsonObject usageJson(const QList<UsageRow> &rows, const UsageFilter &filter)
{
    QJsonArray list;
    QMap<QString, double> totals;
    for (const UsageRow &r : rows) {
        QJsonObject o;
        o.insert(QStringLiteral("period"), r.period);
        o.insert(QStringLiteral("tenant"), r.tenant);
        o.insert(QStringLiteral("application"), r.application);
        o.insert(QStringLiteral("applicationId"), r.applicationId);
        o.insert(QStringLiteral("subscriptionId"), r.subscriptionId);
        o.insert(QStringLiteral("api"), r.api);
        o.insert(QStringLiteral("version"), r.version);
        o.insert(QStringLiteral("policy"), r.policy);
        o.insert(QStringLiteral("delivered"), double(r.delivered));
        o.insert(QStringLiteral("throttled"), double(r.throttled));
        o.insert(QStringLiteral("bytes"), double(r.bytes));
        o.insert(QStringLiteral("freeEvents"), double(r.freeEvents));
        o.insert(QStringLiteral("billableEvents"), double(r.billableEvents));
        o.insert(QStringLiteral("price"), r.price);
        o.insert(QStringLiteral("pricePerEvents"), double(r.pricePerEvents));
        o.insert(QStringLiteral("currency"), r.currency);
        o.insert(QStringLiteral("amount"), r.amount);
        list.append(o);
        if (!r.currency.isEmpty())
            totals[r.currency] += r.amount;
    }
    QJsonObject total;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        total.insert(it.key(), round4(it.value()));
    QJsonObject root;
    root.insert(QStringLiteral("period"), filter.period);
    root.insert(QStringLiteral("from"), filter.from);
    root.insert(QStringLiteral("to"), filter.to);
    root.insert(QStringLiteral("rows"), list);
    root.insert(QStringLiteral("total"), total);
    return root;
}

} // namespace Rivulet::Gateway
