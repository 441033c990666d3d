#include "ast.h"

#include <QStringList>

namespace Rivulet::Lang::Ast {

QString Annotation::value(const QString &key) const
{
    if (key.isEmpty()) {
        for (const AnnotationElement &e : elements) {
            if (e.key.isEmpty())
                return e.value;
        }
        return {};
    }
    const AnnotationElement *e = element(key);
    return e ? e->value : QString();
}

const AnnotationElement *Annotation::element(const QString &key) const
{
    for (const AnnotationElement &e : elements) {
        if (e.key.compare(key, Qt::CaseInsensitive) == 0)
            return &e;
    }
    return nullptr;
}

const Annotation *Annotation::annotation(const char *nestedName) const
{
    return findAnnotation(annotations, nestedName);
}

QStringList Annotation::positionalValues() const
{
    QStringList out;
    for (const AnnotationElement &e : elements) {
        if (e.key.isEmpty())
            out << e.value;
    }
    return out;
}

const Annotation *findAnnotation(const QList<Annotation> &annotations, const char *name)
{
    for (const Annotation &a : annotations) {
        if (a.is(name))
            return &a;
    }
    return nullptr;
}

const char *binaryOpSpelling(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Or:
        return "or";
    case BinaryOp::And:
        return "and";
    case BinaryOp::Eq:
        return "==";
    case BinaryOp::NotEq:
        return "!=";
    case BinaryOp::Lt:
        return "<";
    case BinaryOp::LtEq:
        return "<=";
    case BinaryOp::Gt:
        return ">";
    case BinaryOp::GtEq:
        return ">=";
    case BinaryOp::Add:
        return "+";
    case BinaryOp::Sub:
        return "-";
    case BinaryOp::Mul:
        return "*";
    case BinaryOp::Div:
        return "/";
    case BinaryOp::Mod:
        return "%";
    }
    return "?";
}

QString SourceRef::displayName() const
{
    if (inner)
        return u'#' + name;
    if (fault)
        return u'!' + name;
    return name;
}

const StreamHandler *SingleInput::window() const
{
    for (const StreamHandler &h : handlers) {
        if (h.kind == StreamHandler::Window)
            return &h;
    }
    return nullptr;
}

QString joinTypeName(JoinType type)
{
    switch (type) {
    case JoinType::Inner:
        return QStringLiteral("join");
    case JoinType::LeftOuter:
        return QStringLiteral("left outer join");
    case JoinType::RightOuter:
        return QStringLiteral("right outer join");
    case JoinType::FullOuter:
        return QStringLiteral("full outer join");
    }
    return {};
}

QString OutputAttribute::name() const
{
    if (!rename.isEmpty())
        return rename;
    if (expr && expr->kind == ExprKind::Variable)
        return expr->attribute;
    return {};
}

QString Query::name() const
{
    const Annotation *info = findAnnotation(annotations, "info");
    return info ? info->value(QStringLiteral("name")) : QString();
}

QString definitionKindName(DefinitionKind kind)
{
    switch (kind) {
    case DefinitionKind::Stream:
        return QStringLiteral("stream");
    case DefinitionKind::Table:
        return QStringLiteral("table");
    case DefinitionKind::Window:
        return QStringLiteral("window");
    case DefinitionKind::Trigger:
        return QStringLiteral("trigger");
    case DefinitionKind::Function:
        return QStringLiteral("function");
    case DefinitionKind::Aggregation:
        return QStringLiteral("aggregation");
    }
    return {};
}

QString durationName(Duration d)
{
    switch (d) {
    case Duration::Seconds:
        return QStringLiteral("seconds");
    case Duration::Minutes:
        return QStringLiteral("minutes");
    case Duration::Hours:
        return QStringLiteral("hours");
    case Duration::Days:
        return QStringLiteral("days");
    case Duration::Weeks:
        return QStringLiteral("weeks");
    case Duration::Months:
        return QStringLiteral("months");
    case Duration::Years:
        return QStringLiteral("years");
    }
    return {};
}

QString App::name() const
{
    for (const Annotation &a : annotations) {
        if (a.is("App:name") || a.is("app:name"))
            return a.value();
    }
    return {};
}

QSet<QString> App::insertTargets() const
{
    QSet<QString> targets;
    auto collect = [&](const Query &q) {
        if (q.output.kind == QueryOutput::Insert && !q.output.target.inner)
            targets.insert(q.output.target.name);
    };
    for (const ExecutionElement &e : executions) {
        if (e.query)
            collect(*e.query);
        if (e.partition) {
            for (const auto &q : e.partition->queries)
                collect(*q);
        }
    }
    return targets;
}

} // namespace Rivulet::Lang::Ast
