// rivulet user hash-password: the passwordHash of a user in the deployment config.
#include "commands.h"
#include "httpclient.h"

#include "engine/gateway/credentials.h"

#include <QCommandLineParser>

#include <cstdio>

namespace Rivulet::Cli {

int userCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "rivulet user hash-password [--password P]\n\n"
        "Prints a salted password hash (libsodium crypto_pwhash, Argon2id) for a user's "
        "passwordHash in the deployment config. The password comes from --password, "
        "$RIVULET_PASSWORD, a prompt, or a line of standard input."));
    parser.addHelpOption();
    parser.addOption({{QStringLiteral("p"), QStringLiteral("password")},
                      QStringLiteral("The password (prefer the prompt: options show in ps)."),
                      QStringLiteral("PASSWORD")});
    parser.addPositionalArgument(QStringLiteral("hash-password"),
                                 QStringLiteral("Hash a password."));
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("rivulet user"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "rivulet user: %s\n", qPrintable(parser.errorText()));
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Ok;
    }
    if (parser.positionalArguments() != QStringList{QStringLiteral("hash-password")}) {
        std::fputs("rivulet user: usage: rivulet user hash-password [--password P]\n", stderr);
        return Usage;
    }
    const QByteArray password =
        readSecret(parser.value(QStringLiteral("password")), "RIVULET_PASSWORD", "password: ");
    if (password.isEmpty()) {
        std::fputs("rivulet user: an empty password is not allowed\n", stderr);
        return Usage;
    }
    const QByteArray hash = Gateway::Credentials::hashPassword(password);
    if (hash.isEmpty()) {
        std::fputs("rivulet user: cannot hash (out of memory?)\n", stderr);
        return Failed;
    }
    std::printf("%s\n", hash.constData());
    return Ok;
}

} // namespace Rivulet::Cli
