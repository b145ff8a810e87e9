// @brief PaletteObject: engine/report/palette.h as a QML singleton ("Theme"), so QML colours come
// from the same constants as the HTML and PDF reports.
#pragma once

#include <QColor>
#include <QObject>

namespace vigil::ui {

class PaletteObject : public QObject {
    Q_OBJECT
    Q_PROPERTY(QColor info READ info CONSTANT)
    Q_PROPERTY(QColor low READ low CONSTANT)
    Q_PROPERTY(QColor medium READ medium CONSTANT)
    Q_PROPERTY(QColor high READ high CONSTANT)
    Q_PROPERTY(QColor critical READ critical CONSTANT)
    Q_PROPERTY(QColor background READ background CONSTANT)
    Q_PROPERTY(QColor surface READ surface CONSTANT)
    Q_PROPERTY(QColor surfaceAlt READ surfaceAlt CONSTANT)
    Q_PROPERTY(QColor border READ border CONSTANT)
    Q_PROPERTY(QColor neutral READ neutral CONSTANT)
    Q_PROPERTY(QColor edge READ edge CONSTANT)
    Q_PROPERTY(QColor text READ text CONSTANT)
    Q_PROPERTY(QColor textMuted READ textMuted CONSTANT)
    Q_PROPERTY(QColor accent READ accent CONSTANT)
    Q_PROPERTY(QColor sidebar READ sidebar CONSTANT)
    Q_PROPERTY(QColor onDark READ onDark CONSTANT)
public:
    using QObject::QObject;
    QColor info() const;
    QColor low() const;
    QColor medium() const;
    QColor high() const;
    QColor critical() const;
    QColor background() const;
    QColor surface() const;
    QColor surfaceAlt() const;
    QColor border() const;
    QColor neutral() const;
    QColor edge() const;
    QColor text() const;
    QColor textMuted() const;
    QColor accent() const;
    QColor sidebar() const;
    QColor onDark() const;

    /// Fill of severity 0..4.
    Q_INVOKABLE QColor severity(int severity) const;
    /// Text colour on top of severity(s).
    Q_INVOKABLE QColor onSeverity(int severity) const;
    /// Fill of a heat/score value 0..100 (neutral at 0).
    Q_INVOKABLE QColor heat(int value) const;
    /// "info" .. "critical".
    Q_INVOKABLE QString severityName(int severity) const;

    static QColor severityColor(int severity);
};

}  // namespace vigil::ui
