#include "ui/event_timeline_item.h"

#include <QKeyEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "engine/report/palette.h"
#include "ui/event_text.h"
#include "ui/package_details.h"
#include "ui/palette_object.h"

namespace vigil::ui {
namespace {

namespace pal = engine::report::palette;
QColor color(std::string_view hex) { return QColor(QLatin1String(hex.data(), static_cast<qsizetype>(hex.size()))); }

// Lanes in display order; runtime and sandbox events share the last one.
const std::vector<std::string> kLanes{"process", "file", "network", "env", "code", "other"};
constexpr double kLaneHeaderWidth = 96;
constexpr double kPhaseHeaderHeight = 34;
constexpr double kLaneHeight = 34;
constexpr double kPhaseGap = 18;
constexpr double kMinPhaseWidth = 160;

int laneFor(std::string_view category) {
    for (std::size_t i = 0; i + 1 < kLanes.size(); ++i)
        if (kLanes[i] == category)
            return static_cast<int>(i);
    return static_cast<int>(kLanes.size()) - 1;
}

}  // namespace

EventTimelineItem::EventTimelineItem(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAcceptHoverEvents(true);
    setActiveFocusOnTab(true);
    setAcceptedMouseButtons(Qt::LeftButton);
    setAntialiasing(true);
    setImplicitHeight(kPhaseHeaderHeight + kLaneHeight * static_cast<double>(kLanes.size()) + 26);
}

QObject* EventTimelineItem::details() const { return details_; }

void EventTimelineItem::setDetails(QObject* object) {
    auto* details = qobject_cast<PackageDetails*>(object);
    if (details == details_)
        return;
    if (details_)
        disconnect(details_, nullptr, this, nullptr);
    details_ = details;
    if (details_)
        connect(details_, &PackageDetails::changed, this, [this] {
            selectedRow_ = -1;
            relayout();
            emit detailsChanged();
            emit selectedRowChanged();
            emit selectedXChanged();
        });
    relayout();
    emit detailsChanged();
}

void EventTimelineItem::setZoom(double zoom) {
    zoom = std::clamp(zoom, 0.05, 40.0);
    if (zoom == zoom_)
        return;
    zoom_ = zoom;
    relayout();
    emit zoomChanged();
}

void EventTimelineItem::setViewportWidth(double width) {
    if (width == viewportWidth_)
        return;
    viewportWidth_ = width;
    relayout();
    emit zoomChanged();
}

void EventTimelineItem::setSelectedRow(int row) {
    if (row == selectedRow_)
        return;
    selectedRow_ = row;
    update();
    emit selectedRowChanged();
    emit selectedXChanged();
}

double EventTimelineItem::selectedX() const {
    const Mark* m = markOf(selectedRow_);
    return m ? m->x : -1;
}

const EventTimelineItem::Mark* EventTimelineItem::markOf(int row) const {
    if (row < 0)
        return nullptr;
    for (const auto& m : marks_)
        if (m.row == row)
            return &m;
    return nullptr;
}

std::vector<const EventTimelineItem::Mark*> EventTimelineItem::inTimeOrder(int lane) const {
    std::vector<const Mark*> out;
    for (const auto& m : marks_)
        if (lane < 0 || m.lane == lane)
            out.push_back(&m);
    // Phases sit side by side, so x order is time order across them too.
    std::stable_sort(out.begin(), out.end(), [](const Mark* a, const Mark* b) { return a->x != b->x ? a->x < b->x : a->row < b->row; });
    return out;
}

int EventTimelineItem::rowForKey(int key, bool wholeTimeline) const {
    const Mark* current = markOf(selectedRow_);
    if (marks_.empty())
        return -1;
    if (current == nullptr) {  // nothing selected yet: any move starts at one end of the timeline
        const auto all = inTimeOrder(-1);
        return key == Qt::Key_End ? all.back()->row : all.front()->row;
    }
    switch (key) {
    case Qt::Key_Left:
    case Qt::Key_Right: {
        const auto lane = inTimeOrder(current->lane);
        const auto at = std::find(lane.begin(), lane.end(), current) - lane.begin();
        const auto next = at + (key == Qt::Key_Right ? 1 : -1);
        return next >= 0 && next < static_cast<std::ptrdiff_t>(lane.size()) ? lane[static_cast<std::size_t>(next)]->row : -1;
    }
    case Qt::Key_Home:
    case Qt::Key_End: {
        const auto marks = inTimeOrder(wholeTimeline ? -1 : current->lane);
        return key == Qt::Key_Home ? marks.front()->row : marks.back()->row;
    }
    case Qt::Key_Up:
    case Qt::Key_Down: {
        // The nearest lane in that direction that has events; in it, the event nearest in x.
        const int step = key == Qt::Key_Down ? 1 : -1;
        for (int lane = current->lane + step; lane >= 0 && lane < static_cast<int>(kLanes.size()); lane += step) {
            const Mark* best = nullptr;
            for (const Mark* m : inTimeOrder(lane))
                if (best == nullptr || std::abs(m->x - current->x) < std::abs(best->x - current->x))
                    best = m;
            if (best != nullptr)
                return best->row;
        }
        return -1;
    }
    default: return -1;
    }
}

void EventTimelineItem::keyPressEvent(QKeyEvent* event) {
    const int key = event->key();
    switch (key) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:  // the unshifted "+" key
        setZoom(zoom_ * 1.5);
        break;
    case Qt::Key_Minus:
        setZoom(zoom_ / 1.5);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (selectedRow_ < 0) {
            event->ignore();
            return;
        }
        emit eventClicked(selectedRow_);
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Home:
    case Qt::Key_End: {
        const int row = rowForKey(key, event->modifiers().testFlag(Qt::ControlModifier));
        if (row >= 0)
            setSelectedRow(row);
        break;  // accepted even at an end: the arrow must not scroll the page instead
    }
    default:
        QQuickPaintedItem::keyPressEvent(event);
        return;
    }
    event->accept();
}

void EventTimelineItem::focusInEvent(QFocusEvent* event) {
    QQuickPaintedItem::focusInEvent(event);
    update();
}

void EventTimelineItem::focusOutEvent(QFocusEvent* event) {
    QQuickPaintedItem::focusOutEvent(event);
    update();
}

QStringList EventTimelineItem::lanes() const {
    QStringList out;
    for (const auto& lane : kLanes)
        out << QString::fromStdString(lane);
    return out;
}

void EventTimelineItem::relayout() {
    marks_.clear();
    bands_.clear();
    if (details_ == nullptr || !details_->package()) {
        setImplicitWidth(0);
        update();
        return;
    }
    const auto& package = *details_->package();
    const auto& events = details_->eventList();
    // Severity of the most severe finding each event backs: those ticks carry colour.
    std::map<std::pair<std::string, uint64_t>, int> evidence;
    for (const auto& f : package.findings)
        for (const auto& ref : f.events) {
            int& s = evidence.try_emplace({ref.phase, ref.seq}, -1).first->second;
            s = std::max(s, static_cast<int>(f.severity));
        }
    double x = kLaneHeaderWidth + 8;
    // At zoom 1 the phases share the visible width; each phase's axis spans its events (the
    // phase may run on long after its last event, e.g. waiting for a network timeout).
    const double phases = static_cast<double>(std::max<std::size_t>(1, package.phases.size()));
    const double available = (viewportWidth_ > 0 ? viewportWidth_ : 900) - x - kPhaseGap * phases;
    const double phaseWidth = std::max(kMinPhaseWidth, available / phases) * zoom_;
    for (const auto& phase : package.phases) {
        double lastMs = 0;
        for (const auto& e : events)
            if (e.phase == phase.phase)
                lastMs = std::max(lastMs, static_cast<double>(e.tsNs) / 1e6);
        if (lastMs <= 0)
            lastMs = static_cast<double>(phase.duration.count());
        lastMs *= 1.08;
        const double width = phaseWidth;
        const double scale = (width - 24) / std::max(1.0, lastMs);
        bands_.push_back({QString::fromStdString(phase.phase), x, x + width, static_cast<double>(phase.duration.count()),
                          QString::fromStdString(phase.outcome), (width - 24) / scale});
        for (std::size_t row = 0; row < events.size(); ++row) {
            const auto& e = events[row];
            if (e.phase != phase.phase)
                continue;
            const auto ev = evidence.find({e.phase, e.seq});
            marks_.push_back({static_cast<int>(row), laneFor(e.category()), x + 12 + std::max(0.0, static_cast<double>(e.tsNs) / 1e6) * scale,
                              ev == evidence.end() ? -1 : ev->second,
                              QStringLiteral("%1 · %2 ms · pid %3\n%4")
                                  .arg(QString::fromStdString(e.phase))
                                  .arg(static_cast<double>(e.tsNs) / 1e6, 0, 'f', 1)
                                  .arg(e.pid)
                                  .arg(QString::fromStdString(eventSummary(e)))});
        }
        x += width + kPhaseGap;
    }
    setImplicitWidth(x);
    update();
    if (selectedRow_ >= 0)
        emit selectedXChanged();  // a zoom moved it
}

void EventTimelineItem::geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) {
    QQuickPaintedItem::geometryChange(newGeometry, oldGeometry);
    update();
}

int EventTimelineItem::laneOf(int row) const {
    for (const auto& m : marks_)
        if (m.row == row)
            return m.lane;
    return -1;
}

QPointF EventTimelineItem::positionOf(int row) const {
    for (const auto& m : marks_)
        if (m.row == row)
            return {m.x, kPhaseHeaderHeight + (m.lane + 0.5) * kLaneHeight};
    return {-1, -1};
}

int EventTimelineItem::rowAt(QPointF p) const {
    const int lane = static_cast<int>(std::floor((p.y() - kPhaseHeaderHeight) / kLaneHeight));
    int best = -1;
    double bestDx = 7;
    for (const auto& m : marks_)
        if (m.lane == lane && std::abs(m.x - p.x()) < bestDx) {
            bestDx = std::abs(m.x - p.x());
            best = m.row;
        }
    return best;
}

bool EventTimelineItem::selectEvent(const QString& phase, qulonglong seq) {
    if (details_ == nullptr)
        return false;
    const int row = static_cast<EventListModel*>(details_->eventModel())->indexOf(phase, seq);
    if (row < 0)
        return false;
    setSelectedRow(row);
    return true;
}

void EventTimelineItem::paint(QPainter* painter) {
    const QColor text = color(pal::kText);
    const QColor muted = color(pal::kTextMuted);
    const QColor border = color(pal::kBorder);
    const double lanesBottom = kPhaseHeaderHeight + kLaneHeight * static_cast<double>(kLanes.size());
    QFont font = painter->font();
    font.setPixelSize(12);
    painter->setFont(font);
    // Lane stripes and names.
    for (std::size_t i = 0; i < kLanes.size(); ++i) {
        const double y = kPhaseHeaderHeight + static_cast<double>(i) * kLaneHeight;
        if (i % 2 == 0)
            painter->fillRect(QRectF(0, y, width(), kLaneHeight), color(pal::kSurfaceAlt));
        const Mark* selected = markOf(selectedRow_);
        const bool current = selected != nullptr && selected->lane == static_cast<int>(i);
        QFont laneFont = font;
        laneFont.setBold(current);
        painter->setFont(laneFont);
        painter->setPen(current ? color(pal::kAccent) : muted);
        painter->drawText(QRectF(12, y, kLaneHeaderWidth - 12, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft,
                          QString::fromStdString(kLanes[i]));
        painter->setFont(font);
    }
    // Loading or unavailable events say so instead of empty phase bands.
    if (marks_.empty() && (bands_.empty() || (details_ && !details_->eventsNote().isEmpty()))) {
        painter->setPen(muted);
        painter->drawText(QRectF(kLaneHeaderWidth, kPhaseHeaderHeight, width() - kLaneHeaderWidth, lanesBottom - kPhaseHeaderHeight),
                          Qt::AlignCenter,
                          details_ && !details_->eventsNote().isEmpty() ? details_->eventsNote()
                                                                        : tr("No events recorded for this package"));
        return;
    }
    // Phase bands: name, outcome and duration on top, a separator and a time scale below.
    for (const auto& band : bands_) {
        painter->setPen(QPen(border, 1));
        painter->drawLine(QPointF(band.x1 + kPhaseGap / 2, 4), QPointF(band.x1 + kPhaseGap / 2, lanesBottom + 20));
        QFont bold = font;
        bold.setBold(true);
        painter->setFont(bold);
        painter->setPen(text);
        painter->drawText(QRectF(band.x0 + 12, 4, band.x1 - band.x0, kPhaseHeaderHeight - 8), Qt::AlignVCenter | Qt::AlignLeft,
                          band.name);
        painter->setFont(font);
        painter->setPen(band.outcome == QLatin1String("ok") ? muted : color(pal::kHigh));
        const QString info = QStringLiteral("%1 · %2 ms").arg(band.outcome).arg(band.durationMs, 0, 'f', 0);
        painter->drawText(QRectF(band.x0 + 12, 4, band.x1 - band.x0 - 16, kPhaseHeaderHeight - 8),
                          Qt::AlignVCenter | Qt::AlignRight, info);
        painter->setPen(muted);
        painter->drawText(QRectF(band.x0 + 12, lanesBottom + 2, 60, 20), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("0 ms"));
        painter->drawText(QRectF(band.x1 - 112, lanesBottom + 2, 100, 20), Qt::AlignRight | Qt::AlignVCenter,
                          QStringLiteral("%1 ms").arg(band.spanMs, 0, 'f', 0));
    }
    // Ticks: neutral for context, severity colour for evidence, accent ring for the selection.
    painter->setPen(Qt::NoPen);
    for (const auto& m : marks_) {
        const double y = kPhaseHeaderHeight + m.lane * kLaneHeight;
        const bool evidence = m.severity >= 0;
        const QColor fill = evidence ? PaletteObject::severityColor(m.severity) : color(pal::kEdge);
        const double w = evidence ? 7 : 4;
        painter->setBrush(fill);
        painter->drawRoundedRect(QRectF(m.x - w / 2, y + 7, w, kLaneHeight - 14), 2, 2);
    }
    if (const Mark* m = markOf(selectedRow_)) {
        // A guide across every lane, a halo behind the tick and a ring: findable at any zoom.
        const double y = kPhaseHeaderHeight + m->lane * kLaneHeight;
        QColor guide = color(pal::kAccent);
        guide.setAlphaF(0.35);
        painter->setPen(QPen(guide, 1, Qt::DashLine));
        painter->drawLine(QPointF(m->x, kPhaseHeaderHeight), QPointF(m->x, lanesBottom));
        QColor halo = color(pal::kAccent);
        halo.setAlphaF(0.18);
        painter->setPen(Qt::NoPen);
        painter->setBrush(halo);
        painter->drawRoundedRect(QRectF(m->x - 9, y + 2, 18, kLaneHeight - 4), 5, 5);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(color(pal::kAccent), hasActiveFocus() ? 3 : 2.5));
        painter->drawRoundedRect(QRectF(m->x - 8, y + 3, 16, kLaneHeight - 6), 4, 4);
    }
}

void EventTimelineItem::hoverMoveEvent(QHoverEvent* event) {
    const int row = rowAt(event->position());
    QString text;
    for (const auto& m : marks_)
        if (m.row == row)
            text = m.text;
    if (text != hoverText_ || row >= 0) {
        hoverText_ = text;
        hoverPos_ = event->position();
        emit hoverChanged();
    }
}

void EventTimelineItem::hoverLeaveEvent(QHoverEvent* /*event*/) {
    hoverText_.clear();
    emit hoverChanged();
}

void EventTimelineItem::mousePressEvent(QMouseEvent* event) {
    forceActiveFocus(Qt::MouseFocusReason);  // the keys go on from the clicked event
    const int row = rowAt(event->position());
    if (row >= 0) {
        setSelectedRow(row);
        emit eventClicked(row);
    }
    event->accept();
}

void EventTimelineItem::wheelEvent(QWheelEvent* event) {
    // Ctrl+wheel zooms; a plain wheel scrolls the Flickable around the timeline.
    if (!(event->modifiers() & Qt::ControlModifier)) {
        event->ignore();
        return;
    }
    setZoom(zoom_ * std::pow(1.25, event->angleDelta().y() / 120.0));
    event->accept();
}

}  // namespace vigil::ui
