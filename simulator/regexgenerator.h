#pragma once

#include "random.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace Rivulet::Simulator {

// Generates strings that match a regular expression, for REGEX_BASED attributes.
//
// The common subset of the syntax: literals; escapes \d \D \w \W \s \S, \t \n \r \f \v,
// \xHH, \uHHHH and escaped metacharacters; '.'; classes [a-z0-9_], negated [^,]; groups
// ( ) and (?: ); alternation |; quantifiers ? * + {n} {n,} {n,m} (a lazy or possessive suffix
// is accepted and changes nothing). ^ and $ are accepted and ignored. Unbounded repetition
// (* + {n,}) repeats at most 8 more times than its minimum. '.', negated classes and \D \W \S
// pick from printable ASCII; \s produces a space. Backreferences, lookaround and inline flags
// are rejected with an error that names the position.
class RegexGenerator
{
public:
    RegexGenerator();
    ~RegexGenerator();
    RegexGenerator(RegexGenerator &&) noexcept;
    RegexGenerator &operator=(RegexGenerator &&) noexcept;

    // Parses pattern; false with a message (naming the position) when it is not supported.
    bool compile(const QString &pattern, QString *error);
    const QString &pattern() const { return m_pattern; }

    // Appends one matching string, UTF-8 encoded, to out.
    void generate(Random &rng, std::string &out) const;
    QString generate(Random &rng) const;

    static constexpr int kUnboundedExtra = 8;

    struct Alternatives;

private:
    QString m_pattern;
    std::unique_ptr<Alternatives> m_root;
};

} // namespace Rivulet::Simulator
