#pragma once

#include "ast.h"
#include "diagnostic.h"
#include "semanticmodel.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace Rivulet::Lang {

// The whole front end in one call: lex, parse, analyse.
struct CompiledApp
{
    QByteArray source; // the UTF-8 text the ranges point into
    QString fileName;
    std::unique_ptr<Ast::App> app;
    SemanticModel model;
    QList<Diagnostic> diagnostics; // sorted by position

    bool hasErrors() const;
    int errorCount() const;
    QString name() const; // @App:name, or the file's base name
};

CompiledApp compileApp(const QByteArray &source, const QString &fileName = {});

// An on-demand (store) query, checked against an app: from Table on ... select ..., select ...
// insert into Table, delete Table on ..., update Table set ... on ..., update or insert into ...
struct CompiledOnDemandQuery
{
    QByteArray source;
    std::unique_ptr<Ast::OnDemandQuery> query; // null when it did not parse
    QList<AttributeInfo> output;               // the attributes it selects
    QList<Diagnostic> diagnostics;             // sorted by position

    bool hasErrors() const;
};

CompiledOnDemandQuery compileOnDemandQuery(CompiledApp &app, const QByteArray &source);

} // namespace Rivulet::Lang
