#pragma once

#include "registry.h"

#include <QList>
#include <QString>

namespace Rivulet::Lang {

// Where an annotation may be written.
enum class AnnotationPlace : std::uint8_t {
    App,        // @App:name('...') at the top of the app
    Definition, // before define stream/table/window/aggregation
    Query,      // before a query or a partition
    Nested,     // inside another annotation: @sink(..., @map(...))
};

struct AnnotationKeySpec
{
    QString key;
    QString doc;
};

// One annotation the language knows: its name as written after '@', where it goes, its keys
// and, for transports, mappers and stores, the kind of built-in its type='...' names (whose
// options in the registry are the annotation's further keys).
struct AnnotationSpec
{
    QString name;
    AnnotationPlace place = AnnotationPlace::Definition;
    QString parent; // Nested: the annotations it goes in, outermost first: "sink", "sink.map"
    QString doc;
    QList<AnnotationKeySpec> keys;
    bool hasTypeKind = false;
    BuiltinKind typeKind = BuiltinKind::Source; // when hasTypeKind: what type='...' names
};

// The annotations of SiddhiQL: the catalogue the editor completes from. Transport, mapper and
// store options live in the registry (one source of truth); this names the annotations.
const QList<AnnotationSpec> &annotationTable();
// The spec of an annotation by name (case-insensitive). For nested ones, path names the open
// annotations around it, outermost first ("sink.map"); its end must match the spec's parent.
const AnnotationSpec *findAnnotationSpec(const QString &name, const QString &path = {});
bool annotationGoesIn(const AnnotationSpec &spec, const QString &path);

} // namespace Rivulet::Lang
