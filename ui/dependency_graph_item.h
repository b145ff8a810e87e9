// @brief DependencyGraphItem: the resolved dependency tree drawn with the scene graph (nodes coloured
// by severity, sized by score), with pan, zoom, search, filters, collapsible subtrees and every
// root → selected path highlighted. Layout runs on a worker thread through engine/report's layoutGraph.
#pragma once

#include <QQuickItem>
#include <QQuickPaintedItem>

#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "engine/report/graph_layout.h"
#include "engine/report/scan_report.h"
#include "ui/graph_scene.h"

namespace vigil::ui {

class ScanController;
class GraphLabelLayer;

class DependencyGraphItem : public QQuickItem {
    Q_OBJECT
    Q_PROPERTY(QObject* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(QString selectedKey READ selectedKey WRITE setSelectedKey NOTIFY selectedKeyChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY filterChanged)
    Q_PROPERTY(int minSeverity READ minSeverity WRITE setMinSeverity NOTIFY filterChanged)
    Q_PROPERTY(QString categoryFilter READ categoryFilter WRITE setCategoryFilter NOTIFY filterChanged)
    Q_PROPERTY(QString phaseFilter READ phaseFilter WRITE setPhaseFilter NOTIFY filterChanged)
    Q_PROPERTY(double zoom READ zoom NOTIFY viewChanged)
    Q_PROPERTY(QPointF pan READ pan NOTIFY viewChanged)
    Q_PROPERTY(bool layoutRunning READ layoutRunning NOTIFY layoutChanged)
    Q_PROPERTY(double layoutSeconds READ layoutSeconds NOTIFY layoutChanged)
    Q_PROPERTY(QString layoutAlgorithm READ layoutAlgorithm NOTIFY layoutChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY layoutChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY layoutChanged)
    Q_PROPERTY(int nodeCount READ nodeCount NOTIFY layoutChanged)
    Q_PROPERTY(int visibleCount READ visibleCount NOTIFY filterChanged)
    Q_PROPERTY(int searchMatches READ searchMatches NOTIFY filterChanged)
    Q_PROPERTY(int pathEdgeCount READ pathEdgeCount NOTIFY selectedKeyChanged)
public:
    explicit DependencyGraphItem(QQuickItem* parent = nullptr);
    ~DependencyGraphItem() override;

    QObject* controller() const;
    void setController(QObject* controller);
    /// Shows a report directly (benchmarks, tests); the controller's reportChanged does the same.
    void setReport(std::shared_ptr<const engine::report::ScanReport> report);

    QString selectedKey() const { return selectedKey_; }
    void setSelectedKey(const QString& key);
    QString searchText() const { return search_; }
    void setSearchText(const QString& text);
    int minSeverity() const { return minSeverity_; }
    void setMinSeverity(int severity);
    QString categoryFilter() const { return category_; }
    void setCategoryFilter(const QString& category);
    QString phaseFilter() const { return phase_; }
    void setPhaseFilter(const QString& phase);
    double zoom() const { return zoom_; }
    QPointF pan() const { return pan_; }
    bool layoutRunning() const { return layoutRunning_; }
    double layoutSeconds() const { return layoutSeconds_; }
    QString layoutAlgorithm() const { return algorithm_; }
    QString errorString() const { return errorString_; }
    QString errorDetail() const { return errorDetail_; }
    int nodeCount() const { return static_cast<int>(nodes_.size()); }
    int visibleCount() const;
    int searchMatches() const { return searchMatches_; }
    int pathEdgeCount() const { return pathEdges_; }

    Q_INVOKABLE void fitToView();
    Q_INVOKABLE void zoomBy(double factor, QPointF around = QPointF(-1, -1));
    Q_INVOKABLE void panBy(double dx, double dy);
    Q_INVOKABLE bool centerOn(const QString& key);
    /// Hides (or shows again) what only this package brings in.
    Q_INVOKABLE void toggleCollapsed(const QString& key);
    Q_INVOKABLE void expandAll();
    Q_INVOKABLE bool isCollapsed(const QString& key) const;
    Q_INVOKABLE QString keyAt(QPointF position) const;
    /// Selects the next/previous search hit and centres on it.
    Q_INVOKABLE void nextMatch(int direction = 1);
    /// Screen position of a node's centre (tests and the label layer).
    Q_INVOKABLE QPointF screenPosition(const QString& key) const;
    /// Colour the node of `key` is drawn in (tests: the palette reaches the graph).
    Q_INVOKABLE QColor nodeColor(const QString& key) const;

signals:
    void controllerChanged();
    void selectedKeyChanged();
    void filterChanged();
    void viewChanged();
    void layoutChanged();
    void nodeClicked(const QString& key);
    void nodeActivated(const QString& key);

protected:
    QSGNode* updatePaintNode(QSGNode* old, UpdatePaintNodeData* data) override;
    void geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    friend class GraphLabelLayer;
    struct Node {
        QString key;
        QString label;
        int severity = 0;
        int score = 0;
        const engine::report::PackageReport* package = nullptr;  ///< null for the project root
        bool passes = true;      ///< filters
        bool hidden = false;     ///< inside a collapsed subtree
        bool searchHit = false;
        bool onPath = false;
    };
    void rebuildGraph();
    void startLayout();
    void applyFilters();
    void applySelection();
    void applyCollapse();
    void refreshDrawData();
    int indexOf(const QString& key) const;
    QPointF toScreen(QPointF layoutPoint) const { return layoutPoint * zoom_ + pan_; }
    QPointF toLayout(QPointF screenPoint) const { return (screenPoint - pan_) / zoom_; }
    void setView(double zoom, QPointF pan);

    ScanController* controller_ = nullptr;
    std::shared_ptr<const engine::report::ScanReport> report_;
    std::vector<Node> nodes_;
    std::vector<std::pair<std::size_t, std::size_t>> edges_;
    std::vector<std::vector<std::size_t>> children_, parents_;
    std::set<QString> collapsed_;
    engine::report::GraphLayout layout_;
    bool hasLayout_ = false;
    std::shared_ptr<const GraphDrawData> drawData_;
    bool sceneDirty_ = true;

    QString selectedKey_, search_, category_, phase_, algorithm_, errorString_, errorDetail_;
    int minSeverity_ = 0;
    int searchMatches_ = 0;
    int currentMatch_ = -1;
    int pathEdges_ = 0;
    double zoom_ = 1;
    QPointF pan_;
    bool fitPending_ = true;
    bool layoutRunning_ = false;
    double layoutSeconds_ = 0;
    quint64 layoutGeneration_ = 0;
    std::jthread layoutThread_;
    QPointF pressPos_, lastPos_;
    bool dragging_ = false;
    GraphLabelLayer* labels_ = nullptr;
};

/// Draws the labels of the nodes large enough on screen (and the selected, searched and severe
/// ones) above the graph: text in the scene graph needs Qt 6.7's QSGTextNode, so QPainter here.
class GraphLabelLayer : public QQuickPaintedItem {
    Q_OBJECT
public:
    explicit GraphLabelLayer(DependencyGraphItem* graph);
    void paint(QPainter* painter) override;

private:
    DependencyGraphItem* graph_;
};

}  // namespace vigil::ui
