// Figures in the PDF's text flow: laid out like a big glyph, painted as vector paths and text.
#include "ui/report/svg_text_object.h"

#include <QPainter>
#include <QSvgRenderer>

namespace vigil::ui::report {

QTextCharFormat SvgTextObject::format(const QByteArray& svg, double width, double height, double maxWidth) {
    QTextCharFormat f;
    f.setObjectType(kType);
    f.setProperty(Svg, svg);
    f.setProperty(NaturalWidth, width);
    f.setProperty(NaturalHeight, height);
    f.setProperty(MaxWidth, maxWidth);
    return f;
}

QSizeF SvgTextObject::intrinsicSize(QTextDocument*, int, const QTextFormat& format) {
    const double w = format.doubleProperty(NaturalWidth);
    const double h = format.doubleProperty(NaturalHeight);
    const double maxW = format.doubleProperty(MaxWidth);
    const double scale = w > maxW && w > 0 ? maxW / w : 1.0;
    return {w * scale, h * scale};
}

void SvgTextObject::drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int, const QTextFormat& format) {
    QSvgRenderer renderer(format.property(Svg).toByteArray());
    if (renderer.isValid())
        renderer.render(painter, rect);
}

}  // namespace vigil::ui::report
