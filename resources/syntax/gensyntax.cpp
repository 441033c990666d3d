// gensyntax: writes the KSyntaxHighlighting definition of SiddhiQL from the engine's registry.
//
//   gensyntax          print it
//   gensyntax FILE     write it to FILE, unless FILE already holds it (the update-syntax target)
#include "katesyntax.h"

#include "engine/lang/registry.h"

#include <QFile>
#include <QString>

#include <cstdio>

int main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        std::fputs("usage: gensyntax [FILE]\n", stderr);
        return 2;
    }
    const QByteArray generated =
        Rivulet::Syntax::generateKateSyntax(Rivulet::Lang::Registry::builtins());
    if (argc == 1) {
        std::fwrite(generated.constData(), 1, size_t(generated.size()), stdout);
        return 0;
    }

    const QString path = QString::fromLocal8Bit(argv[1]);
    QFile file(path);
    if (file.open(QIODevice::ReadOnly) && file.readAll() == generated) {
        std::printf("gensyntax: %s is up to date\n", qPrintable(path));
        return 0;
    }
    file.close();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(generated) != generated.size() || !file.flush()) {
        std::fprintf(stderr, "gensyntax: cannot write %s: %s\n", qPrintable(path),
                     qPrintable(file.errorString()));
        return 1;
    }
    std::printf("gensyntax: wrote %s\n", qPrintable(path));
    return 0;
}
