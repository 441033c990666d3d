#pragma once

#include "nameindex.h"

#include "engine/lang/frontend.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace Rivulet::Editor {

// One run of the engine's front end over a snapshot of the text.
struct Analysis
{
    quint64 revision = 0; // the editor's text revision it was made from
    Lang::CompiledApp compiled;
    NameIndex names;
};
using AnalysisPtr = std::shared_ptr<const Analysis>;

class AnalysisWorker final : public QObject
{
    Q_OBJECT

public:
    explicit AnalysisWorker(std::shared_ptr<std::atomic<quint64>> latest);
    void analyze(quint64 revision, const QByteArray &source, const QString &fileName);

Q_SIGNALS:
    void finished(Rivulet::Editor::AnalysisPtr analysis);

private:
    std::shared_ptr<std::atomic<quint64>> m_latest;
};

// Runs the front end (lex, parse, analyse) on a thread of its own, so a large app never blocks
// typing. Requests are served in order, but one that a newer request has overtaken before it
// started is skipped.
class AnalysisService final : public QObject
{
    Q_OBJECT

public:
    explicit AnalysisService(QObject *parent = nullptr);
    ~AnalysisService() override;

    void request(quint64 revision, const QByteArray &source, const QString &fileName);

Q_SIGNALS:
    void finished(Rivulet::Editor::AnalysisPtr analysis);

private:
    QThread m_thread;
    AnalysisWorker *m_worker = nullptr;
    std::shared_ptr<std::atomic<quint64>> m_latest;
};

} // namespace Rivulet::Editor

Q_DECLARE_METATYPE(Rivulet::Editor::AnalysisPtr)
