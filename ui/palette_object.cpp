#include "ui/palette_object.h"

#include <algorithm>

#include "engine/report/palette.h"

namespace vigil::ui {
namespace {
namespace pal = engine::report::palette;
QColor c(std::string_view hex) { return QColor(QLatin1String(hex.data(), static_cast<qsizetype>(hex.size()))); }
engine::Severity sev(int s) { return static_cast<engine::Severity>(std::clamp(s, 0, 4)); }
}  // namespace

QColor PaletteObject::info() const { return c(pal::kInfo); }
QColor PaletteObject::low() const { return c(pal::kLow); }
QColor PaletteObject::medium() const { return c(pal::kMedium); }
QColor PaletteObject::high() const { return c(pal::kHigh); }
QColor PaletteObject::critical() const { return c(pal::kCritical); }
QColor PaletteObject::background() const { return c(pal::kBackground); }
QColor PaletteObject::surface() const { return c(pal::kSurface); }
QColor PaletteObject::surfaceAlt() const { return c(pal::kSurfaceAlt); }
QColor PaletteObject::border() const { return c(pal::kBorder); }
QColor PaletteObject::neutral() const { return c(pal::kNeutral); }
QColor PaletteObject::edge() const { return c(pal::kEdge); }
QColor PaletteObject::text() const { return c(pal::kText); }
QColor PaletteObject::textMuted() const { return c(pal::kTextMuted); }
QColor PaletteObject::accent() const { return c(pal::kAccent); }
QColor PaletteObject::sidebar() const { return c(pal::kSidebar); }
QColor PaletteObject::onDark() const { return c(pal::kOnDark); }
QColor PaletteObject::severity(int s) const { return severityColor(s); }
QColor PaletteObject::severityColor(int s) { return c(pal::severityColor(sev(s))); }
QColor PaletteObject::onSeverity(int s) const { return c(pal::severityTextColor(sev(s))); }
QString PaletteObject::severityName(int s) const { return QString::fromUtf8(engine::severityName(sev(s)).data()); }

QColor PaletteObject::heat(int value) const {
    if (value <= 0)
        return c(pal::kSurfaceAlt);
    // Lighter for low heat within the band, full colour at its top: reads as intensity.
    QColor base = c(pal::severityColor(pal::heatSeverity(value)));
    const double t = 0.35 + 0.65 * std::clamp(value, 0, 100) / 100.0;
    const QColor bg = c(pal::kSurface);
    return QColor::fromRgbF(static_cast<float>(bg.redF() + (base.redF() - bg.redF()) * t),
                            static_cast<float>(bg.greenF() + (base.greenF() - bg.greenF()) * t),
                            static_cast<float>(bg.blueF() + (base.blueF() - bg.blueF()) * t));
}

}  // namespace vigil::ui
