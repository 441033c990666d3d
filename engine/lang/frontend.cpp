#include "frontend.h"

#include "analyzer.h"
#include "parser.h"

#include <QFileInfo>

namespace Rivulet::Lang {

bool CompiledApp::hasErrors() const
{
    return errorCount() > 0;
}

int CompiledApp::errorCount() const
{
    int n = 0;
    for (const Diagnostic &d : diagnostics)
        n += d.isError() ? 1 : 0;
    return n;
}

QString CompiledApp::name() const
{
    const QString n = app ? app->name() : QString();
    if (!n.isEmpty())
        return n;
    return fileName.isEmpty() ? QStringLiteral("SiddhiApp")
                              : QFileInfo(fileName).completeBaseName();
}

CompiledApp compileApp(const QByteArray &source, const QString &fileName)
{
    CompiledApp result;
    result.source = source;
    result.fileName = fileName;
    DiagnosticList diagnostics;
    Parser parser(result.source, &diagnostics);
    result.app = parser.parseApp();
    Analyzer analyzer(&diagnostics);
    result.model = analyzer.analyze(*result.app);
    diagnostics.setFile(fileName);
    result.diagnostics = diagnostics.sorted();
    return result;
}

bool CompiledOnDemandQuery::hasErrors() const
{
    for (const Diagnostic &d : diagnostics) {
        if (d.isError())
            return true;
    }
    return false;
}

CompiledOnDemandQuery compileOnDemandQuery(CompiledApp &app, const QByteArray &source)
{
    CompiledOnDemandQuery result;
    result.source = source;
    DiagnosticList diagnostics;
    Parser parser(result.source, &diagnostics);
    result.query = parser.parseOnDemandQuery();
    if (result.query && !diagnostics.hasErrors()) {
        Analyzer analyzer(&diagnostics);
        result.output = analyzer.analyzeOnDemandQuery(*result.query, app.model);
    }
    result.diagnostics = diagnostics.sorted();
    return result;
}

} // namespace Rivulet::Lang
