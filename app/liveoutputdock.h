#pragma once

#include <QAbstractTableModel>
#include <QDockWidget>
#include <QStringList>
#include <QThread>
#include <QUrl>
#include <QVector>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QWebSocket;

namespace Rivulet::Studio {

// The WebSocket client, on a thread of its own: it collects messages and hands them to the
// window in batches (every 50 ms), so 50,000 events/s never reach the UI one by one.
class LiveClient final : public QObject
{
    Q_OBJECT

public:
    LiveClient();
    ~LiveClient() override;
    void open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers);
    void close();

Q_SIGNALS:
    void batch(const QVector<QByteArray> &messages, qint64 dropped);
    void stateChanged(bool connected, const QString &message);

private:
    void flush();
    QWebSocket *m_socket = nullptr;
    QVector<QByteArray> m_pending;
    qint64 m_dropped = 0;
};

// The events seen, as rows: one column per attribute, the time of arrival, raw JSON.
class OutputModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit OutputModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Adds the messages (keeping at most `history` rows); returns how many were added.
    int add(const QVector<QByteArray> &messages, int maxRows);
    void clear();
    void setHistory(int rows) { m_history = rows; }
    QStringList columns() const { return m_columns; }
    QByteArray raw(int row) const { return m_rows.value(row).raw; }

private:
    struct Row
    {
        QString received;
        QStringList values;
        QByteArray raw;
    };
    QStringList m_columns; // attribute names, then "raw"
    QVector<Row> m_rows;
    int m_history = 5000;
    qint64 m_sequence = 0;
};

// A real WebSocket client of the running app: URL proposed from its websocket-server sinks
// and gateway topics, headers, a token button for gateway topics, a table of what arrives
// with pause, clear, filter and a bounded history.
class LiveOutputDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit LiveOutputDock(QWidget *parent = nullptr);
    ~LiveOutputDock() override;

    void setProposals(const QStringList &urls);
    QStringList proposals() const;
    QString statusText() const;
    void setUrl(const QString &url);
    QString url() const;
    void setHeaders(const QString &headers);
    QString headers() const;
    void connectToUrl();
    void disconnectFromUrl();
    bool isConnected() const { return m_connected; }
    OutputModel *model() const { return m_model; }
    qint64 received() const { return m_received; }
    qint64 skipped() const { return m_skipped; }

    // Issues a token for the URL (the studio provides it when a deployment config is used).
    using TokenProvider =
        std::function<void(const QString &url, std::function<void(QString token, QString error)>)>;
    void setTokenProvider(TokenProvider provider);

Q_SIGNALS:
    void connectedChanged(bool connected);
    void rowsArrived(int count);

private:
    void onBatch(const QVector<QByteArray> &messages, qint64 dropped);
    void updateStatus();
    void requestToken();

    QThread m_thread;
    LiveClient *m_client = nullptr;
    OutputModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_url;
    QLineEdit *m_headers;
    QPushButton *m_connect;
    QPushButton *m_token;
    QCheckBox *m_pause;
    QCheckBox *m_raw;
    QLineEdit *m_filter;
    QTableView *m_table;
    QLabel *m_status;
    bool m_connected = false;
    qint64 m_received = 0;
    qint64 m_skipped = 0;
    qint64 m_lastReceived = 0;
    qint64 m_lastTick = 0;
    double m_rate = 0;
    TokenProvider m_tokenProvider;
};

} // namespace Rivulet::Studio
