#include "analysisservice.h"

namespace Rivulet::Editor {

AnalysisWorker::AnalysisWorker(std::shared_ptr<std::atomic<quint64>> latest)
    : m_latest(std::move(latest))
{}

void AnalysisWorker::analyze(quint64 revision, const QByteArray &source, const QString &fileName)
{
    if (revision < m_latest->load())
        return; // overtaken: the editor no longer shows this text
    auto analysis = std::make_shared<Analysis>();
    analysis->revision = revision;
    analysis->compiled = Lang::compileApp(source, fileName);
    analysis->names = NameIndex::fromCompiled(analysis->compiled);
    Q_EMIT finished(std::move(analysis));
}

AnalysisService::AnalysisService(QObject *parent)
    : QObject(parent)
    , m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<AnalysisPtr>();
    m_thread.setObjectName(QStringLiteral("rivulet-analysis"));
    m_worker = new AnalysisWorker(m_latest);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &AnalysisWorker::finished, this, &AnalysisService::finished);
    m_thread.start(QThread::LowPriority);
}

AnalysisService::~AnalysisService()
{
    m_latest->store(~quint64(0)); // skip whatever is still queued
    m_thread.quit();
    m_thread.wait();
}

void AnalysisService::request(quint64 revision, const QByteArray &source, const QString &fileName)
{
    m_latest->store(revision);
    AnalysisWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, revision, source, fileName] { worker->analyze(revision, source, fileName); },
        Qt::QueuedConnection);
}

} // namespace Rivulet::Editor
