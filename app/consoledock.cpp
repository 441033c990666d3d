#include "consoledock.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace Rivulet::Studio {

namespace {
const char *const kLevels[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
}

ConsoleDock::ConsoleDock(QWidget *parent)
    : QDockWidget(tr("Console"), parent)
    , m_text(new QPlainTextEdit)
    , m_level(new QComboBox)
    , m_filter(new QLineEdit)
{
    setObjectName(QStringLiteral("ConsoleDock"));
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    v->setContentsMargins(2, 2, 2, 2);
    auto *bar = new QHBoxLayout;
    auto *levelLabel = new QLabel(tr("&Level:"));
    levelLabel->setBuddy(m_level);
    m_level->addItems({tr("All"), tr("Info and above"), tr("Warnings and errors"), tr("Errors")});
    m_level->setCurrentIndex(1);
    m_level->setAccessibleName(tr("Console level"));
    m_filter->setPlaceholderText(tr("Filter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Console filter"));
    auto *clearButton = new QPushButton(tr("C&lear"));
    bar->addWidget(levelLabel);
    bar->addWidget(m_level);
    bar->addWidget(m_filter, 1);
    bar->addWidget(clearButton);
    v->addLayout(bar);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setMaximumBlockCount(kMaxEntries);
    m_text->setAccessibleName(tr("Console output"));
    v->addWidget(m_text);
    setWidget(w);
    connect(m_level, &QComboBox::currentIndexChanged, this, &ConsoleDock::refilter);
    connect(m_filter, &QLineEdit::textChanged, this, &ConsoleDock::refilter);
    connect(clearButton, &QPushButton::clicked, this, &ConsoleDock::clear);
}

bool ConsoleDock::accepts(const Entry &e) const
{
    static const int minLevel[] = {0, 2, 3, 4};
    if (e.level < minLevel[qBound(0, m_level->currentIndex(), 3)])
        return false;
    const QString f = m_filter->text();
    return f.isEmpty() || e.message.contains(f, Qt::CaseInsensitive)
           || e.source.contains(f, Qt::CaseInsensitive);
}

void ConsoleDock::showEntry(const Entry &e)
{
    const QString line =
        QStringLiteral("%1 %2 %3: %4")
            .arg(e.when.toString(QStringLiteral("HH:mm:ss.zzz")),
                 QString::fromLatin1(kLevels[qBound(0, e.level, 5)]).leftJustified(5), e.source,
                 e.message);
    QScrollBar *sb = m_text->verticalScrollBar();
    const bool atEnd = sb->value() >= sb->maximum() - 2;
    m_text->appendPlainText(line);
    if (atEnd)
        sb->setValue(sb->maximum());
}

void ConsoleDock::append(int level, const QString &source, const QString &message)
{
    Entry e{QDateTime::currentDateTime(), level, source, message};
    m_entries.push_back(e);
    if (m_entries.size() > kMaxEntries)
        m_entries.remove(0, m_entries.size() - kMaxEntries);
    if (accepts(e))
        showEntry(e);
}

void ConsoleDock::refilter()
{
    m_text->clear();
    for (const Entry &e : std::as_const(m_entries)) {
        if (accepts(e))
            showEntry(e);
    }
}

void ConsoleDock::clear()
{
    m_entries.clear();
    m_text->clear();
}

QString ConsoleDock::plainText() const
{
    return m_text->toPlainText();
}

} // namespace Rivulet::Studio
