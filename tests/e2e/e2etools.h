#pragma once
// What the C++ end-to-end tests share: where the programs are, free ports, and a child process
// whose output is collected as it comes (wscat's ANSI escapes stripped).
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest>

#include <csignal>

namespace E2e {

// The longest any single wait may take (a deadline, never a sleep).
inline constexpr int kWaitMs = 20000;

inline QString sourceDir()
{
    return QString::fromUtf8(RIVULET_SOURCE_DIR);
}

inline QString rivulet()
{
    return QString::fromUtf8(RIVULET_BINARY_DIR) + QStringLiteral("/bin/rivulet");
}

// The pinned copy from tests/e2e (npm ci), else one on the PATH.
inline QString wscat()
{
    const QString pinned = sourceDir() + QStringLiteral("/tests/e2e/node_modules/.bin/wscat");
    if (QFileInfo(pinned).isExecutable())
        return pinned;
    return QStandardPaths::findExecutable(QStringLiteral("wscat"));
}

inline quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::Any, 0))
        return 0;
    return s.serverPort();
}

inline QString stripAnsi(QString text)
{
    static const QRegularExpression escape(QStringLiteral("\x1b\\[[0-9;?]*[A-Za-z]"));
    text.remove(escape);
    text.remove(u'\r');
    return text;
}

// A child process whose output is collected as it comes; killed when the test ends.
class Child
{
public:
    Child()
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_err += m_process.readAllStandardError(); });
    }
    ~Child()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    void start(const QString &program, const QStringList &arguments,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
               const QString &workingDirectory = {})
    {
        m_process.setProcessEnvironment(env);
        if (!workingDirectory.isEmpty())
            m_process.setWorkingDirectory(workingDirectory);
        m_process.start(program, arguments);
    }
    QString out() const { return stripAnsi(QString::fromUtf8(m_out)); }
    QString err() const { return QString::fromUtf8(m_err); }
    QString all() const { return out() + err(); }
    bool waitForOutput(const QString &text, bool stderrToo = true)
    {
        return QTest::qWaitFor(
            [&] { return out().contains(text) || (stderrToo && err().contains(text)); }, kWaitMs);
    }
    bool waitForExit()
    {
        return QTest::qWaitFor([&] { return m_process.state() == QProcess::NotRunning; }, kWaitMs);
    }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    void stop()
    {
        signal(SIGTERM);
        waitForExit();
    }
    qint64 pid() const { return m_process.processId(); }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

} // namespace E2e
