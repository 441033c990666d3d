#include "liveoutputdock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QNetworkRequest>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWebSocket>

namespace Rivulet::Studio {

// ---- LiveClient -----------------------------------------------------------------------------

LiveClient::LiveClient()
{
    auto *timer = new QTimer(this);
    timer->setInterval(50);
    connect(timer, &QTimer::timeout, this, &LiveClient::flush);
    timer->start();
}

LiveClient::~LiveClient()
{
    delete m_socket;
}

void LiveClient::open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    close();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this,
            [this] { Q_EMIT stateChanged(true, tr("connected")); });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        // A refused handshake was said by the error already (with the HTTP status): keep it.
        if (m_socket && m_socket->property("failed").toBool())
            return;
        const QString reason = m_socket ? m_socket->closeReason() : QString();
        const int code = m_socket ? int(m_socket->closeCode()) : 0;
        Q_EMIT stateChanged(false,
                            reason.isEmpty()
                                ? tr("disconnected (code %1)").arg(code)
                                : tr("closed by the server: %1 (code %2)").arg(reason).arg(code));
    });
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                if (m_socket && m_socket->state() != QAbstractSocket::ConnectedState)
                    m_socket->setProperty("failed", true);
                Q_EMIT stateChanged(false, m_socket ? m_socket->errorString() : tr("error"));
            });
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &m) {
        m_pending.push_back(m.toUtf8());
        // Bounded: past this many since the last flush, the oldest are only counted.
        if (m_pending.size() > 20000) {
            m_dropped += m_pending.size() - 10000;
            m_pending.remove(0, m_pending.size() - 10000);
        }
    });
    QNetworkRequest request(url);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    m_socket->open(request);
}

void LiveClient::close()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close();
        m_socket->deleteLater();
        m_socket = nullptr;
        Q_EMIT stateChanged(false, tr("disconnected"));
    }
}

void LiveClient::flush()
{
    if (m_pending.isEmpty() && m_dropped == 0)
        return;
    QVector<QByteArray> out;
    out.swap(m_pending);
    Q_EMIT batch(out, m_dropped);
    m_dropped = 0;
}

// ---- OutputModel ----------------------------------------------------------------------------

OutputModel::OutputModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int OutputModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OutputModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size()) + 2;
}

QVariant OutputModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows[index.row()];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (index.column() == 0)
            return r.received;
        if (index.column() == columnCount() - 1)
            return QString::fromUtf8(r.raw);
        return r.values.value(index.column() - 1);
    }
    return {};
}

QVariant OutputModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    if (section == 0)
        return tr("received");
    if (section == columnCount() - 1)
        return tr("raw JSON");
    return m_columns.value(section - 1);
}

namespace {

QString jsonText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return d == std::floor(d) && std::fabs(d) < 1e15 ? QString::number(qint64(d))
                                                         : QString::number(d, 'g', 15);
    }
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    default:
        return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
            .mid(1)
            .chopped(1);
    }
}

} // namespace

int OutputModel::add(const QVector<QByteArray> &messages, int maxRows)
{
    const qsizetype first = std::max<qsizetype>(0, messages.size() - maxRows);
    QVector<Row> rows;
    rows.reserve(messages.size() - first);
    const QString now = QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    bool columnsChanged = false;
    for (qsizetype i = first; i < messages.size(); ++i) {
        Row row;
        row.received = now;
        row.raw = messages[i];
        const QJsonDocument doc = QJsonDocument::fromJson(messages[i]);
        QJsonObject obj = doc.object();
        if (obj.size() == 1 && obj.value(QLatin1String("event")).isObject())
            obj = obj.value(QLatin1String("event")).toObject();
        if (doc.isObject()) {
            // Columns in the order the attributes appear in the message (QJsonObject sorts).
            static const QRegularExpression key(QStringLiteral("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:"));
            auto it = key.globalMatch(QString::fromUtf8(messages[i]));
            while (it.hasNext()) {
                const QString k = it.next().captured(1);
                if (k != QLatin1String("event") && obj.contains(k) && !m_columns.contains(k)) {
                    m_columns << k;
                    columnsChanged = true;
                }
            }
            for (auto it = obj.begin(); it != obj.end(); ++it) {
                if (!m_columns.contains(it.key())) {
                    m_columns << it.key();
                    columnsChanged = true;
                }
            }
            row.values.resize(m_columns.size());
            for (auto it = obj.begin(); it != obj.end(); ++it)
                row.values[m_columns.indexOf(it.key())] = jsonText(it.value());
        } else {
            if (!m_columns.contains(QStringLiteral("message"))) {
                m_columns << QStringLiteral("message");
                columnsChanged = true;
            }
            row.values.resize(m_columns.size());
            row.values[m_columns.indexOf(QStringLiteral("message"))] =
                QString::fromUtf8(messages[i]);
        }
        rows.push_back(std::move(row));
    }
    if (columnsChanged) {
        beginResetModel();
        m_rows += rows;
        if (m_rows.size() > m_history)
            m_rows.remove(0, m_rows.size() - m_history);
        endResetModel();
        return int(rows.size());
    }
    const qsizetype overflow = m_rows.size() + rows.size() - m_history;
    if (overflow > 0) {
        const int remove = int(std::min<qsizetype>(overflow, m_rows.size()));
        if (remove > 0) {
            beginRemoveRows({}, 0, remove - 1);
            m_rows.remove(0, remove);
            endRemoveRows();
        }
        if (rows.size() > m_history)
            rows.remove(0, rows.size() - m_history);
    }
    if (!rows.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
        m_rows += rows;
        endInsertRows();
    }
    return int(rows.size());
}

void OutputModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_columns.clear();
    endResetModel();
}

// ---- LiveOutputDock -------------------------------------------------------------------------

LiveOutputDock::LiveOutputDock(QWidget *parent)
    : QDockWidget(tr("Live output"), parent)
    , m_model(new OutputModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_url(new QComboBox)
    , m_headers(new QLineEdit)
    , m_connect(new QPushButton(tr("&Connect")))
    , m_token(new QPushButton(tr("Get &token")))
    , m_pause(new QCheckBox(tr("&Pause")))
    , m_raw(new QCheckBox(tr("Raw &JSON")))
    , m_filter(new QLineEdit)
    , m_table(new QTableView)
    , m_status(new QLabel)
{
    setObjectName(QStringLiteral("LiveOutputDock"));
    m_client = new LiveClient;
    m_client->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_client, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("rivulet-live-output"));
    m_thread.start();
    connect(m_client, &LiveClient::batch, this, &LiveOutputDock::onBatch);
    connect(m_client, &LiveClient::stateChanged, this,
            [this](bool connected, const QString &message) {
                m_connected = connected;
                m_connect->setText(connected ? tr("Dis&connect") : tr("&Connect"));
                m_status->setText(message);
                Q_EMIT connectedChanged(connected);
            });

    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    v->setContentsMargins(2, 2, 2, 2);
    auto *grid = new QGridLayout;
    auto *urlLabel = new QLabel(tr("&URL:"));
    urlLabel->setBuddy(m_url);
    m_url->setEditable(true);
    m_url->setAccessibleName(tr("WebSocket URL"));
    m_url->setMinimumContentsLength(30);
    auto *headersLabel = new QLabel(tr("&Headers:"));
    headersLabel->setBuddy(m_headers);
    m_headers->setPlaceholderText(tr("Authorization: Bearer ...; Other: value"));
    m_headers->setAccessibleName(tr("Handshake headers"));
    grid->addWidget(urlLabel, 0, 0);
    grid->addWidget(m_url, 0, 1);
    grid->addWidget(m_connect, 0, 2);
    grid->addWidget(headersLabel, 1, 0);
    grid->addWidget(m_headers, 1, 1);
    grid->addWidget(m_token, 1, 2);
    grid->setColumnStretch(1, 1);
    v->addLayout(grid);
    auto *bar = new QHBoxLayout;
    auto *clear = new QPushButton(tr("C&lear"));
    m_filter->setPlaceholderText(tr("Filter rows"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter rows"));
    bar->addWidget(m_pause);
    bar->addWidget(clear);
    bar->addWidget(m_raw);
    bar->addWidget(m_filter, 1);
    v->addLayout(bar);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Events received"));
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->addWidget(m_table, 1);
    m_status->setText(tr("not connected"));
    m_status->setAccessibleName(tr("Live output status"));
    v->addWidget(m_status);
    setWidget(w);

    connect(m_connect, &QPushButton::clicked, this, [this] {
        if (m_connected)
            disconnectFromUrl();
        else
            connectToUrl();
    });
    connect(clear, &QPushButton::clicked, this, [this] {
        m_model->clear();
        m_received = m_skipped = 0;
        updateStatus();
    });
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    auto showRaw = [this] {
        for (int c = 0; c < m_model->columnCount(); ++c)
            m_table->setColumnHidden(c, c == m_model->columnCount() - 1 && !m_raw->isChecked());
    };
    connect(m_raw, &QCheckBox::toggled, this, showRaw);
    connect(m_model, &QAbstractItemModel::modelReset, this, showRaw);
    connect(m_model, &QAbstractItemModel::modelReset, this,
            [this] { m_table->resizeColumnsToContents(); });
    m_token->setObjectName(QStringLiteral("tokenButton"));
    m_token->setToolTip(tr("Get an access token for this gateway topic (as the tenant's user) and "
                           "connect with it"));
    connect(m_token, &QPushButton::clicked, this, &LiveOutputDock::requestToken);
    m_token->setEnabled(false);
    showRaw();
}

LiveOutputDock::~LiveOutputDock()
{
    QMetaObject::invokeMethod(
        m_client, [c = m_client] { c->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void LiveOutputDock::setProposals(const QStringList &urls)
{
    const QString current = m_url->currentText();
    m_url->clear();
    m_url->addItems(urls);
    // What the user typed (a topic with its parameter filled in) stays.
    if (!current.isEmpty())
        m_url->setCurrentText(current);
}

QStringList LiveOutputDock::proposals() const
{
    QStringList urls;
    for (int i = 0; i < m_url->count(); ++i)
        urls << m_url->itemText(i);
    return urls;
}

QString LiveOutputDock::statusText() const
{
    return m_status->text();
}

void LiveOutputDock::setUrl(const QString &url)
{
    m_url->setCurrentText(url);
}

QString LiveOutputDock::url() const
{
    return m_url->currentText().trimmed();
}

void LiveOutputDock::setHeaders(const QString &headers)
{
    m_headers->setText(headers);
}

QString LiveOutputDock::headers() const
{
    return m_headers->text();
}

void LiveOutputDock::setTokenProvider(TokenProvider provider)
{
    m_tokenProvider = std::move(provider);
    m_token->setEnabled(bool(m_tokenProvider));
}

void LiveOutputDock::requestToken()
{
    if (!m_tokenProvider)
        return;
    m_token->setEnabled(false);
    m_status->setText(tr("asking the gateway for a token..."));
    m_tokenProvider(url(), [this](const QString &token, const QString &error) {
        m_token->setEnabled(true);
        if (!error.isEmpty()) {
            m_status->setText(tr("no token: %1").arg(error));
            return;
        }
        QStringList parts;
        for (const QString &h : m_headers->text().split(u';', Qt::SkipEmptyParts)) {
            if (!h.trimmed().startsWith(QLatin1String("Authorization"), Qt::CaseInsensitive))
                parts << h.trimmed();
        }
        parts.prepend(QStringLiteral("Authorization: Bearer ") + token);
        m_headers->setText(parts.join(QStringLiteral("; ")));
        if (url().contains(u'{'))
            m_status->setText(
                tr("token issued: fill in the topic's {parameter} in the URL, then connect"));
        else
            connectToUrl(); // one click: the token, then the subscription
    });
}

void LiveOutputDock::connectToUrl()
{
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const QString &h : m_headers->text().split(u';', Qt::SkipEmptyParts)) {
        const qsizetype colon = h.indexOf(u':');
        if (colon > 0)
            headers.append({h.left(colon).trimmed().toUtf8(), h.mid(colon + 1).trimmed().toUtf8()});
    }
    const QUrl u(url());
    if (!u.isValid() || (u.scheme() != QLatin1String("ws") && u.scheme() != QLatin1String("wss"))) {
        m_status->setText(tr("'%1' is not a ws:// or wss:// URL").arg(url()));
        return;
    }
    if (url().contains(u'{')) {
        const qsizetype open = url().indexOf(u'{');
        const QString param = url().mid(open, url().indexOf(u'}', open) - open + 1);
        m_status->setText(
            tr("fill in %1 in the URL: the topic's parameter (e.g. a train id)").arg(param));
        return;
    }
    m_status->setText(tr("connecting to %1...").arg(u.toString()));
    QMetaObject::invokeMethod(
        m_client, [c = m_client, u, headers] { c->open(u, headers); }, Qt::QueuedConnection);
}

void LiveOutputDock::disconnectFromUrl()
{
    QMetaObject::invokeMethod(
        m_client, [c = m_client] { c->close(); }, Qt::QueuedConnection);
}

void LiveOutputDock::onBatch(const QVector<QByteArray> &messages, qint64 dropped)
{
    m_received += messages.size() + dropped;
    m_skipped += dropped;
    if (!m_pause->isChecked()) {
        // At most 500 rows per batch (10 batches a second): beyond that the view shows the
        // newest and counts the rest as skipped.
        const int added = m_model->add(messages, 500);
        m_skipped += messages.size() - added;
        Q_EMIT rowsArrived(added);
        if (added > 0 && m_filter->text().isEmpty())
            m_table->scrollToBottom();
    }
    updateStatus();
}

void LiveOutputDock::updateStatus()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastTick >= 1000) {
        m_rate = m_lastTick > 0
                     ? double(m_received - m_lastReceived) * 1000.0 / double(now - m_lastTick)
                     : 0;
        m_lastTick = now;
        m_lastReceived = m_received;
    }
    const QLocale l;
    QString text = (m_connected ? tr("connected") : tr("not connected")) + QStringLiteral(" · ")
                   + tr("%1 received").arg(l.toString(m_received));
    if (m_skipped > 0)
        text += QStringLiteral(" · ") + tr("%1 skipped in the view").arg(l.toString(m_skipped));
    text += QStringLiteral(" · ") + tr("%1 events/s").arg(l.toString(qRound64(m_rate)));
    m_status->setText(text);
}

} // namespace Rivulet::Studio
