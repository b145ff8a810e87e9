// @brief EventTimelineItem: a package's events on a time axis — one lane per category (process,
// file, network, env, code), phases side by side each on its own clock; zoom, hover, click.
// Events that are evidence of a finding are drawn in that finding's severity colour.
//
// Keyboard (the item takes focus on Tab or a click): Left/Right the previous/next event of the
// selected event's lane in time, Up/Down the nearest event of the lane above/below, Home/End the
// first/last of the lane (with Ctrl: of the whole timeline), +/- zoom, Enter/Return opens the
// selected event as a click does (eventClicked). selectedX tells the view what to scroll into sight.
#pragma once

#include <QQuickPaintedItem>

#include <map>
#include <vector>

namespace vigil::ui {

class PackageDetails;

class EventTimelineItem : public QQuickPaintedItem {
    Q_OBJECT
    Q_PROPERTY(QObject* details READ details WRITE setDetails NOTIFY detailsChanged)
    Q_PROPERTY(double zoom READ zoom WRITE setZoom NOTIFY zoomChanged)
    /// Width of the visible area: at zoom 1 all phases fit in it.
    Q_PROPERTY(double viewportWidth READ viewportWidth WRITE setViewportWidth NOTIFY zoomChanged)
    Q_PROPERTY(QString hoverText READ hoverText NOTIFY hoverChanged)
    Q_PROPERTY(QPointF hoverPosition READ hoverPosition NOTIFY hoverChanged)
    Q_PROPERTY(int selectedRow READ selectedRow WRITE setSelectedRow NOTIFY selectedRowChanged)
    Q_PROPERTY(int eventCount READ eventCount NOTIFY detailsChanged)
    Q_PROPERTY(QStringList lanes READ lanes CONSTANT)
    /// Where the selected event is drawn (item x), -1 without a selection; moves with the zoom.
    Q_PROPERTY(double selectedX READ selectedX NOTIFY selectedXChanged)
public:
    explicit EventTimelineItem(QQuickItem* parent = nullptr);

    QObject* details() const;
    void setDetails(QObject* details);
    double zoom() const { return zoom_; }
    void setZoom(double zoom);
    double viewportWidth() const { return viewportWidth_; }
    void setViewportWidth(double width);
    QString hoverText() const { return hoverText_; }
    QPointF hoverPosition() const { return hoverPos_; }
    int selectedRow() const { return selectedRow_; }
    void setSelectedRow(int row);
    int eventCount() const { return static_cast<int>(marks_.size()); }
    QStringList lanes() const;
    double selectedX() const;

    /// Row (in details.events) of the event drawn nearest to `position`, -1 when none is close.
    Q_INVOKABLE int rowAt(QPointF position) const;
    /// Where the event of `row` is drawn (tests).
    Q_INVOKABLE QPointF positionOf(int row) const;
    /// Selects the event (phase, seq) — the evidence links of findings use it.
    Q_INVOKABLE bool selectEvent(const QString& phase, qulonglong seq);
    /// The lane index the event of `row` is drawn in.
    Q_INVOKABLE int laneOf(int row) const;

    void paint(QPainter* painter) override;

signals:
    void detailsChanged();
    void zoomChanged();
    void hoverChanged();
    void selectedRowChanged();
    void eventClicked(int row);
    void selectedXChanged();

protected:
    void hoverMoveEvent(QHoverEvent* event) override;
    void hoverLeaveEvent(QHoverEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) override;
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    struct Mark {
        int row;
        int lane;
        double x;
        int severity;  ///< -1 when the event backs no finding
        QString text;
    };
    struct PhaseBand {
        QString name;
        double x0, x1;
        double durationMs;
        QString outcome;
        double spanMs;  ///< time at the right end of the band's axis
    };
    void relayout();
    const Mark* markOf(int row) const;
    /// Marks of `lane` (-1: every lane) in time order: left to right, then by row.
    std::vector<const Mark*> inTimeOrder(int lane) const;
    /// The row the key moves the selection to; -1 when it does not move.
    int rowForKey(int key, bool wholeTimeline) const;

    PackageDetails* details_ = nullptr;
    double zoom_ = 1;
    double viewportWidth_ = 0;
    std::vector<Mark> marks_;
    std::vector<PhaseBand> bands_;
    QString hoverText_;
    QPointF hoverPos_;
    int selectedRow_ = -1;
};

}  // namespace vigil::ui
