// @brief SvgTextObject: draws an SVG figure inside a QTextDocument as vectors (QSvgRenderer), for the PDF report.
#pragma once

#include <QObject>
#include <QTextObjectInterface>

namespace vigil::ui::report {

class SvgTextObject : public QObject, public QTextObjectInterface {
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)

public:
    static constexpr int kType = QTextFormat::UserObject + 1;
    enum Property { Svg = QTextFormat::UserProperty + 1, NaturalWidth, NaturalHeight, MaxWidth };

    /// A character format that inserts the figure, scaled down to maxWidth when wider.
    static QTextCharFormat format(const QByteArray& svg, double width, double height, double maxWidth);

    QSizeF intrinsicSize(QTextDocument* doc, int posInDocument, const QTextFormat& format) override;
    void drawObject(QPainter* painter, const QRectF& rect, QTextDocument* doc, int posInDocument,
                    const QTextFormat& format) override;
};

}  // namespace vigil::ui::report
