// The PDF report: a title page painted directly, then the QTextDocument body paginated with a running
// header and "page X of Y" footer, then libqpdf adds the outline.
#include "ui/report/pdf_report.h"

#include <QAbstractTextDocumentLayout>
#include <QGuiApplication>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextDocument>

#include <fmt/format.h>

#include "engine/report/html_escape.h"
#include "engine/report/palette.h"
#include "engine/report/scan_report_json.h"
#include "ui/report/pdf_content.h"
#include "ui/report/pdf_outline.h"
#include "ui/report/svg_text_object.h"
#include "vigil_version.h"

namespace vigil::ui::report {

namespace {

using engine::Severity;
namespace palette = engine::report::palette;

constexpr int kDpi = 96;             // 1 device pixel = 1 SVG/CSS px, so figures keep their drawn size
constexpr double kHeaderHeight = 30;
constexpr double kFooterHeight = 30;
const QString kFont = QStringLiteral("DejaVu Sans");

QColor color(std::string_view hex) { return QColor(QString::fromLatin1(hex.data(), static_cast<int>(hex.size()))); }
QString qs(const std::string& s) { return QString::fromStdString(engine::report::visibleText(s)); }

QString projectTitle(const engine::report::ScanReport& r) {
    return qs(r.projectName.empty() ? r.projectPath : r.projectName);
}

void drawTitlePage(QPainter& p, const QRectF& page, const engine::report::ScanReport& r) {
    const QRectF band(page.left(), page.top(), page.width(), page.height() * 0.26);
    p.fillRect(band, color(palette::kSidebar));
    p.setPen(color(palette::kOnDark));
    p.setFont(QFont(kFont, 9));
    p.drawText(band.adjusted(36, 40, -36, 0), Qt::AlignLeft | Qt::AlignTop, "VIGIL  ·  DEPENDENCY BEHAVIOUR REPORT");
    p.setFont(QFont(kFont, 26, QFont::Bold));
    p.drawText(band.adjusted(36, 80, -36, 0), Qt::AlignLeft | Qt::AlignTop | Qt::TextWrapAnywhere, projectTitle(r));
    p.setFont(QFont(kFont, 10));
    const QString sub = QString::fromStdString(fmt::format("Scan #{} · {} · {} packages · {}", r.scanId,
                                                           engine::report::isoTimestamp(r.startedAt), r.totalPackages,
                                                           engine::report::visibleText(r.status)));
    p.drawText(band.adjusted(36, 0, -36, -36), Qt::AlignLeft | Qt::AlignBottom, sub);

    // Severity tiles: the first thing an auditor looks for.
    double y = band.bottom() + 40;
    p.setPen(color(palette::kText));
    p.setFont(QFont(kFont, 12, QFont::Bold));
    p.drawText(QPointF(page.left() + 36, y), "Findings by severity");
    y += 14;
    const Severity order[] = {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info};
    const double gap = 10, tileW = (page.width() - 72 - 4 * gap) / 5, tileH = 70;
    for (int i = 0; i < 5; ++i) {
        const QRectF tile(page.left() + 36 + i * (tileW + gap), y, tileW, tileH);
        const auto it = r.findingsBySeverity.find(order[i]);
        const uint64_t n = it == r.findingsBySeverity.end() ? 0 : it->second;
        QColor fill = color(palette::severityColor(order[i]));
        if (n == 0)
            fill.setAlphaF(0.35);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawRoundedRect(tile, 6, 6);
        p.setPen(color(palette::severityTextColor(order[i])));
        p.setFont(QFont(kFont, 22, QFont::Bold));
        p.drawText(tile.adjusted(12, 6, -6, 0), Qt::AlignLeft | Qt::AlignTop, QString::number(n));
        p.setFont(QFont(kFont, 8, QFont::Bold));
        p.drawText(tile.adjusted(12, 0, -6, -8), Qt::AlignLeft | Qt::AlignBottom,
                   QString::fromLatin1(engine::severityName(order[i]).data()).toUpper());
    }
    y += tileH + 40;

    const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(r.finishedAt - r.startedAt).count() / 1000.0;
    const std::pair<const char*, std::string> rows[] = {
        {"Project", r.projectPath},
        {"Lockfile", r.lockfile.empty() ? "none" : r.lockfile},
        {"Packages", fmt::format("{} — {} analysed, {} from cache, {} failed", r.totalPackages, r.analysed, r.cached, r.failed)},
        {"Started", engine::report::isoTimestamp(r.startedAt)},
        {"Duration", fmt::format("{:.1f} s", secs)},
        {"Analyzer", r.analyzerVersion},
        {"Rules", r.rulesVersion},
    };
    for (const auto& [label, value] : rows) {
        p.setPen(color(palette::kTextMuted));
        p.setFont(QFont(kFont, 9, QFont::Bold));
        p.drawText(QRectF(page.left() + 36, y, 110, 20), Qt::AlignLeft | Qt::AlignVCenter, label);
        p.setPen(color(palette::kText));
        p.setFont(QFont(kFont, 9));
        p.drawText(QRectF(page.left() + 150, y, page.width() - 186, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(qs(value), Qt::ElideMiddle, static_cast<int>(page.width() - 186)));
        y += 22;
    }
    p.setPen(color(palette::kTextMuted));
    p.setFont(QFont(kFont, 8));
    p.drawText(page.adjusted(36, 0, -36, -10), Qt::AlignLeft | Qt::AlignBottom,
               QStringLiteral("Generated by VIGIL %1. Package data is shown as recorded; nothing in this file is executable.")
                   .arg(QStringLiteral(VIGIL_VERSION)));
}

void drawHeaderFooter(QPainter& p, const QRectF& page, const QString& title, int pageNo, int pages) {
    p.setFont(QFont(kFont, 7.5));
    p.setPen(color(palette::kTextMuted));
    p.drawText(QRectF(page.left(), page.top(), page.width(), kHeaderHeight - 10), Qt::AlignLeft | Qt::AlignVCenter,
               "VIGIL dependency behaviour report — " + title);
    p.setPen(QPen(color(palette::kBorder), 0.8));
    p.drawLine(QPointF(page.left(), page.top() + kHeaderHeight - 8), QPointF(page.right(), page.top() + kHeaderHeight - 8));
    p.drawLine(QPointF(page.left(), page.bottom() - kFooterHeight + 8), QPointF(page.right(), page.bottom() - kFooterHeight + 8));
    p.setPen(color(palette::kTextMuted));
    p.drawText(QRectF(page.left(), page.bottom() - kFooterHeight + 10, page.width(), kFooterHeight - 10),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("Page %1 of %2").arg(pageNo).arg(pages));
}

}  // namespace

engine::Status writePdf(const engine::report::ScanReport& report, const std::filesystem::path& path, PageSize size,
                        const engine::report::EventSource* events) {
    if (!QGuiApplication::instance())
        return engine::makeError(engine::ErrorCode::Internal, "writePdf needs a QGuiApplication");
    std::filesystem::path partial = path;
    partial += ".part";
    {
        QPdfWriter writer(QString::fromStdString(partial.string()));
        writer.setResolution(kDpi);
        writer.setTitle("VIGIL report — " + projectTitle(report));
        writer.setCreator(QStringLiteral("VIGIL " VIGIL_VERSION));
        writer.setPageLayout(QPageLayout(QPageSize(size == PageSize::Letter ? QPageSize::Letter : QPageSize::A4),
                                         QPageLayout::Portrait, QMarginsF(15, 12, 15, 12), QPageLayout::Millimeter));
        const QRectF page(QPointF(0, 0), writer.pageLayout().paintRectPixels(kDpi).size());

        QTextDocument doc;
        doc.documentLayout()->setPaintDevice(&writer);
        doc.setDefaultFont(QFont(kFont, 8.5));
        SvgTextObject svgHandler;
        doc.documentLayout()->registerHandler(SvgTextObject::kType, &svgHandler);
        const double bodyHeight = page.height() - kHeaderHeight - kFooterHeight;
        doc.setPageSize(QSizeF(page.width(), bodyHeight));
        const auto outline = buildPdfContent(doc, report, page.width() - 2 * doc.documentMargin(), events);
        const int bodyPages = doc.pageCount();

        QPainter painter;
        if (!painter.begin(&writer))
            return engine::makeError(engine::ErrorCode::Io, "cannot write " + partial.string());
        painter.setRenderHint(QPainter::Antialiasing);
        drawTitlePage(painter, page, report);
        const QString title = projectTitle(report);
        for (int i = 0; i < bodyPages; ++i) {
            writer.newPage();
            drawHeaderFooter(painter, page, title, i + 2, bodyPages + 1);
            painter.save();
            painter.translate(0, kHeaderHeight - i * bodyHeight);
            doc.drawContents(&painter, QRectF(0, i * bodyHeight, page.width(), bodyHeight));
            painter.restore();
        }
        painter.end();

        // Bookmarks point at the heading's page and height (PDF units are points from the bottom).
        const double pxToPt = 72.0 / kDpi;
        const QRectF full = writer.pageLayout().fullRectPoints();
        const double marginTopPt = writer.pageLayout().marginsPoints().top();
        std::vector<OutlineTarget> targets;
        for (const auto& e : outline) {
            const QRectF r = doc.documentLayout()->blockBoundingRect(doc.findBlock(e.position));
            const int pageIndex = static_cast<int>(r.top() / bodyHeight);
            const double inPage = r.top() - pageIndex * bodyHeight + kHeaderHeight;
            targets.push_back({e.title, e.level, pageIndex + 1, full.height() - marginTopPt - inPage * pxToPt + 6});
        }
        auto outlined = addPdfOutline(partial, path, targets);
        std::error_code ec;
        std::filesystem::remove(partial, ec);
        return outlined;
    }
}

engine::Status writePdfHeadless(const engine::report::ScanReport& report, const std::filesystem::path& path, PageSize size,
                                const engine::report::EventSource* events) {
    if (QGuiApplication::instance())
        return writePdf(report, path, size, events);
    // Only this path needs Qt's platform layer, and never a display: the offscreen plugin does fonts.
    int argc = 3;
    char arg0[] = "vigil-cli", arg1[] = "-platform", arg2[] = "offscreen";
    char* argv[] = {arg0, arg1, arg2, nullptr};
    QGuiApplication app(argc, argv);
    return writePdf(report, path, size, events);
}

}  // namespace vigil::ui::report
