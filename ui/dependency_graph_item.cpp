#include "ui/dependency_graph_item.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QQuickWindow>
#include <QSGTransformNode>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>

#include "engine/report/palette.h"
#include "ui/palette_object.h"
#include "ui/scan_controller.h"

namespace vigil::ui {
namespace {

namespace pal = engine::report::palette;
QColor color(std::string_view hex) { return QColor(QLatin1String(hex.data(), static_cast<qsizetype>(hex.size()))); }
QColor withAlpha(QColor c, double a) {
    c.setAlphaF(static_cast<float>(a));
    return c;
}

QColor mixed(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * t + b.redF() * (1 - t)), static_cast<float>(a.greenF() * t + b.greenF() * (1 - t)),
                            static_cast<float>(a.blueF() * t + b.blueF() * (1 - t)));
}

QPointF bezierPoint(const engine::report::LayoutPoint* p, double t) {
    const double u = 1 - t;
    const double x = u * u * u * p[0].x + 3 * u * u * t * p[1].x + 3 * u * t * t * p[2].x + t * t * t * p[3].x;
    const double y = u * u * u * p[0].y + 3 * u * u * t * p[1].y + 3 * u * t * t * p[2].y + t * t * t * p[3].y;
    return {x, y};
}

constexpr double kMinZoom = 0.01;
constexpr double kMaxZoom = 6.0;

}  // namespace

DependencyGraphItem::DependencyGraphItem(QQuickItem* parent) : QQuickItem(parent) {
    setFlag(ItemHasContents);
    setFlag(ItemIsFocusScope);  // before any child exists (Qt refuses it afterwards)
    labels_ = new GraphLabelLayer(this);
    setActiveFocusOnTab(true);
    setAcceptedMouseButtons(Qt::LeftButton);
    setClip(true);
}

DependencyGraphItem::~DependencyGraphItem() {
    ++layoutGeneration_;  // a result still in flight is dropped
    if (layoutThread_.joinable())
        layoutThread_.join();
}

QObject* DependencyGraphItem::controller() const { return controller_; }

void DependencyGraphItem::setController(QObject* object) {
    auto* controller = qobject_cast<ScanController*>(object);
    if (controller == controller_)
        return;
    if (controller_)
        disconnect(controller_, nullptr, this, nullptr);
    controller_ = controller;
    if (controller_) {
        connect(controller_, &ScanController::reportChanged, this, [this] { setReport(controller_->report()); });
        setReport(controller_->report());
    }
    emit controllerChanged();
}

void DependencyGraphItem::setReport(std::shared_ptr<const engine::report::ScanReport> report) {
    report_ = std::move(report);
    collapsed_.clear();
    fitPending_ = true;
    rebuildGraph();
}

void DependencyGraphItem::rebuildGraph() {
    nodes_.clear();
    edges_.clear();
    hasLayout_ = false;
    drawData_.reset();
    if (report_) {
        nodes_.push_back(Node{QString(), QString::fromStdString(report_->projectName.empty() ? "project" : report_->projectName), 0, 0, nullptr});
        std::map<std::string, std::size_t> index{{"", 0}};
        for (const auto& p : report_->packages) {
            index[p.key()] = nodes_.size();
            nodes_.push_back(Node{QString::fromStdString(p.key()), QString::fromStdString(p.key()), static_cast<int>(p.severity), p.score, &p});
        }
        for (const auto& e : report_->edges) {
            const auto from = index.find(e.from);
            const auto to = index.find(e.to);
            if (from != index.end() && to != index.end() && from->second != to->second)
                edges_.emplace_back(from->second, to->second);
        }
    }
    children_.assign(nodes_.size(), {});
    parents_.assign(nodes_.size(), {});
    for (const auto& [from, to] : edges_) {
        children_[from].push_back(to);
        parents_[to].push_back(from);
    }
    applyFilters();
    applyCollapse();
    applySelection();
    emit layoutChanged();
    startLayout();
    update();
}

void DependencyGraphItem::startLayout() {
    if (nodes_.empty())
        return;
    std::vector<engine::report::LayoutNode> nodes;
    nodes.reserve(nodes_.size());
    for (const Node& n : nodes_)
        nodes.push_back({n.key.toStdString(), n.label.toStdString(), n.package ? n.score / 100.0 : 0.7});
    std::vector<engine::report::LayoutEdge> edges;
    edges.reserve(edges_.size());
    for (const auto& [from, to] : edges_)
        edges.push_back({from, to});
    const quint64 generation = ++layoutGeneration_;
    layoutRunning_ = true;
    emit layoutChanged();
    if (layoutThread_.joinable())
        layoutThread_.join();  // the previous layout is obsolete; graphviz cannot be interrupted
    layoutThread_ = std::jthread([this, generation, nodes = std::move(nodes), edges = std::move(edges)] {
        const auto start = std::chrono::steady_clock::now();
        auto result = std::make_shared<engine::Result<engine::report::GraphLayout>>(engine::report::layoutGraph(nodes, edges));
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QMetaObject::invokeMethod(this, [this, generation, result, seconds] {
            if (generation != layoutGeneration_)
                return;
            layoutRunning_ = false;
            layoutSeconds_ = seconds;
            if (!result->ok()) {
                errorString_ = QString::fromStdString(result->error().primary);
                errorDetail_ = QString::fromStdString(result->error().secondary);
            } else {
                errorString_.clear();
                errorDetail_.clear();
                layout_ = std::move(result->value());
                algorithm_ = QString::fromUtf8(engine::report::layoutAlgorithmName(layout_.algorithm));
                hasLayout_ = true;
                if (fitPending_)
                    fitToView();
                if (!selectedKey_.isEmpty() && fitPending_)
                    centerOn(selectedKey_);
                refreshDrawData();
            }
            emit layoutChanged();
        }, Qt::QueuedConnection);
    });
}

int DependencyGraphItem::indexOf(const QString& key) const {
    for (std::size_t i = 1; i < nodes_.size(); ++i)
        if (nodes_[i].key == key)
            return static_cast<int>(i);
    return -1;
}

int DependencyGraphItem::visibleCount() const {
    return static_cast<int>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.passes && !n.hidden; }));
}

void DependencyGraphItem::applyFilters() {
    searchMatches_ = 0;
    const std::string category = category_.toStdString();
    const std::string phase = phase_.toStdString();
    for (Node& n : nodes_) {
        n.passes = true;
        n.searchHit = false;
        if (!n.package)
            continue;
        if (n.severity < minSeverity_)
            n.passes = false;
        if (!category.empty()) {
            const auto it = n.package->heat.find(category);
            n.passes = n.passes && it != n.package->heat.end() && it->second > 0;
        }
        if (!phase.empty())
            n.passes = n.passes && std::any_of(n.package->findings.begin(), n.package->findings.end(), [&](const auto& f) {
                           return std::find(f.phases.begin(), f.phases.end(), phase) != f.phases.end();
                       });
        if (!search_.isEmpty() && n.label.contains(search_, Qt::CaseInsensitive)) {
            n.searchHit = true;
            ++searchMatches_;
        }
    }
}

void DependencyGraphItem::applyCollapse() {
    // Visible = reachable from the root without descending into a collapsed package.
    for (Node& n : nodes_)
        n.hidden = true;
    if (nodes_.empty())
        return;
    std::deque<std::size_t> queue{0};
    nodes_[0].hidden = false;
    while (!queue.empty()) {
        const std::size_t i = queue.front();
        queue.pop_front();
        if (i != 0 && collapsed_.contains(nodes_[i].key))
            continue;
        for (std::size_t child : children_[i])
            if (nodes_[child].hidden) {
                nodes_[child].hidden = false;
                queue.push_back(child);
            }
    }
    // Packages no edge reaches (an incomplete edge list) stay visible rather than vanish.
    for (std::size_t i = 1; i < nodes_.size(); ++i)
        if (parents_[i].empty())
            nodes_[i].hidden = false;
}

void DependencyGraphItem::applySelection() {
    for (Node& n : nodes_)
        n.onPath = false;
    pathEdges_ = 0;
    const int selected = indexOf(selectedKey_);
    if (selected < 0)
        return;
    // Every ancestor of the selected package lies on some root → selected path, and every edge
    // between two of them (or into the selection) is part of one.
    std::deque<std::size_t> queue{static_cast<std::size_t>(selected)};
    nodes_[static_cast<std::size_t>(selected)].onPath = true;
    while (!queue.empty()) {
        const std::size_t i = queue.front();
        queue.pop_front();
        for (std::size_t parent : parents_[i])
            if (!nodes_[parent].onPath) {
                nodes_[parent].onPath = true;
                queue.push_back(parent);
            }
    }
    for (const auto& [from, to] : edges_)
        pathEdges_ += nodes_[from].onPath && nodes_[to].onPath ? 1 : 0;
}

void DependencyGraphItem::refreshDrawData() {
    if (!hasLayout_ || layout_.nodes.size() != nodes_.size())
        return;
    auto data = std::make_shared<GraphDrawData>();
    // Opaque tints of the edge colour over the canvas: the same look as translucency, but solid
    // lines skip per-pixel blending, which is most of a software frame when zoomed into a big graph.
    data->edgeColor = mixed(color(pal::kEdge), color(pal::kSurface), 0.75);
    data->dimEdgeColor = mixed(color(pal::kEdge), color(pal::kSurface), 0.25);
    data->highlightColor = color(pal::kAccent);
    data->highlightWidth = static_cast<float>(std::max(2.5, 3.0 / std::max(zoom_, 0.3)));
    data->bounds = QRectF(0, 0, layout_.width, layout_.height);
    const int steps = layout_.algorithm == engine::report::LayoutAlgorithm::Dot ? 10 : 1;
    for (std::size_t e = 0; e < edges_.size() && e < layout_.edges.size(); ++e) {
        const auto [from, to] = edges_[e];
        if (nodes_[from].hidden || nodes_[to].hidden)
            continue;
        GraphDrawData::Edge edge;
        edge.highlighted = nodes_[from].onPath && nodes_[to].onPath;
        edge.dim = !nodes_[from].passes || !nodes_[to].passes;
        const auto& pts = layout_.edges[e].points;
        if (pts.size() >= 4) {
            edge.polyline.push_back({pts[0].x, pts[0].y});
            for (std::size_t s = 0; s + 3 < pts.size(); s += 3)
                for (int k = 1; k <= steps; ++k)
                    edge.polyline.push_back(bezierPoint(&pts[s], static_cast<double>(k) / steps));
        }
        data->edges.push_back(std::move(edge));
    }
    const int selected = indexOf(selectedKey_);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const Node& n = nodes_[i];
        if (n.hidden)
            continue;
        GraphDrawData::Node node;
        node.center = QPointF(layout_.nodes[i].center.x, layout_.nodes[i].center.y);
        node.radius = static_cast<float>(layout_.nodes[i].width / 2);
        node.fill = n.package ? PaletteObject::severityColor(n.severity) : color(pal::kSidebar);
        if (!n.passes)
            node.fill = withAlpha(color(pal::kNeutral), 0.45);
        if (static_cast<int>(i) == selected) {
            node.ring = color(pal::kAccent);
            node.ringWidth = 5;
        } else if (n.searchHit) {
            node.ring = withAlpha(color(pal::kAccent), 0.55);
            node.ringWidth = 4;
        } else if (collapsed_.contains(n.key)) {
            node.ring = color(pal::kTextMuted);
            node.ringWidth = 3;
        } else {
            node.ring = withAlpha(color(pal::kSurface), 1.0);  // a light halo separates touching nodes
            node.ringWidth = 1.5f;
        }
        data->nodes.push_back(node);
    }
    drawData_ = std::move(data);
    sceneDirty_ = true;
    update();
    labels_->update();
}

QSGNode* DependencyGraphItem::updatePaintNode(QSGNode* old, UpdatePaintNodeData* /*data*/) {
    auto* transform = static_cast<QSGTransformNode*>(old);
    if (!transform)
        transform = new QSGTransformNode;
    QMatrix4x4 m;
    m.translate(static_cast<float>(pan_.x()), static_cast<float>(pan_.y()));
    m.scale(static_cast<float>(zoom_));
    transform->setMatrix(m);
    if (!drawData_) {
        while (transform->firstChild())
            delete transform->firstChild();
        return transform;
    }
    const QRectF visible(toLayout(QPointF(0, 0)), toLayout(QPointF(width(), height())));
    QSGNode* child = transform->firstChild();
    QSGNode* updated = updateGraphScene(child, window(), drawData_, sceneDirty_, visible);
    if (updated != child)
        transform->appendChildNode(updated);
    sceneDirty_ = false;
    return transform;
}

void DependencyGraphItem::geometryChange(const QRectF& newGeometry, const QRectF& oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    labels_->setSize(newGeometry.size());
    if (fitPending_ && hasLayout_)
        fitToView();
}

void DependencyGraphItem::setView(double zoom, QPointF pan) {
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
    pan_ = pan;
    update();
    labels_->update();
    emit viewChanged();
}

void DependencyGraphItem::fitToView() {
    if (!hasLayout_ || width() <= 0 || height() <= 0) {
        fitPending_ = true;
        return;
    }
    fitPending_ = false;
    const double margin = 48;
    const double z = std::min((width() - 2 * margin) / std::max(1.0, layout_.width),
                              (height() - 2 * margin) / std::max(1.0, layout_.height));
    const double zoom = std::clamp(z, kMinZoom, 1.6);
    setView(zoom, QPointF((width() - layout_.width * zoom) / 2, (height() - layout_.height * zoom) / 2));
}

void DependencyGraphItem::zoomBy(double factor, QPointF around) {
    if (around.x() < 0)
        around = QPointF(width() / 2, height() / 2);
    const QPointF anchor = toLayout(around);
    const double zoom = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
    setView(zoom, around - anchor * zoom);
}

void DependencyGraphItem::panBy(double dx, double dy) { setView(zoom_, pan_ + QPointF(dx, dy)); }

bool DependencyGraphItem::centerOn(const QString& key) {
    const int i = indexOf(key);
    if (i < 0 || !hasLayout_)
        return false;
    const auto& c = layout_.nodes[static_cast<std::size_t>(i)].center;
    setView(zoom_, QPointF(width() / 2 - c.x * zoom_, height() / 2 - c.y * zoom_));
    return true;
}

void DependencyGraphItem::setSelectedKey(const QString& key) {
    if (key == selectedKey_)
        return;
    selectedKey_ = key;
    applySelection();
    refreshDrawData();
    emit selectedKeyChanged();
}

void DependencyGraphItem::setSearchText(const QString& text) {
    if (text == search_)
        return;
    search_ = text;
    currentMatch_ = -1;
    applyFilters();
    refreshDrawData();
    emit filterChanged();
}

void DependencyGraphItem::setMinSeverity(int severity) {
    if (severity == minSeverity_)
        return;
    minSeverity_ = severity;
    applyFilters();
    refreshDrawData();
    emit filterChanged();
}

void DependencyGraphItem::setCategoryFilter(const QString& category) {
    if (category == category_)
        return;
    category_ = category;
    applyFilters();
    refreshDrawData();
    emit filterChanged();
}

void DependencyGraphItem::setPhaseFilter(const QString& phase) {
    if (phase == phase_)
        return;
    phase_ = phase;
    applyFilters();
    refreshDrawData();
    emit filterChanged();
}

void DependencyGraphItem::toggleCollapsed(const QString& key) {
    if (indexOf(key) < 0)
        return;
    if (!collapsed_.erase(key))
        collapsed_.insert(key);
    applyCollapse();
    refreshDrawData();
    emit filterChanged();
}

void DependencyGraphItem::expandAll() {
    collapsed_.clear();
    applyCollapse();
    refreshDrawData();
    emit filterChanged();
}

bool DependencyGraphItem::isCollapsed(const QString& key) const { return collapsed_.contains(key); }

QString DependencyGraphItem::keyAt(QPointF position) const {
    if (!hasLayout_)
        return {};
    const QPointF p = toLayout(position);
    double best = 1e18;
    QString key;
    for (std::size_t i = 1; i < nodes_.size(); ++i) {
        if (nodes_[i].hidden)
            continue;
        const auto& n = layout_.nodes[i];
        const double d = std::hypot(n.center.x - p.x(), n.center.y - p.y());
        // A little slack so small nodes stay clickable when zoomed out.
        if (d <= n.width / 2 + 4 / zoom_ && d < best) {
            best = d;
            key = nodes_[i].key;
        }
    }
    return key;
}

void DependencyGraphItem::nextMatch(int direction) {
    std::vector<std::size_t> hits;
    for (std::size_t i = 1; i < nodes_.size(); ++i)
        if (nodes_[i].searchHit)
            hits.push_back(i);
    if (hits.empty())
        return;
    const int n = static_cast<int>(hits.size());
    currentMatch_ = ((currentMatch_ + direction) % n + n) % n;
    const QString key = nodes_[hits[static_cast<std::size_t>(currentMatch_)]].key;
    centerOn(key);
    emit nodeClicked(key);
}

QPointF DependencyGraphItem::screenPosition(const QString& key) const {
    const int i = indexOf(key);
    if (i < 0 || !hasLayout_)
        return {-1, -1};
    const auto& c = layout_.nodes[static_cast<std::size_t>(i)].center;
    return toScreen(QPointF(c.x, c.y));
}

QColor DependencyGraphItem::nodeColor(const QString& key) const {
    const int i = indexOf(key);
    if (i < 0)
        return {};
    const Node& n = nodes_[static_cast<std::size_t>(i)];
    return n.passes ? PaletteObject::severityColor(n.severity) : withAlpha(color(pal::kNeutral), 0.45);
}

void DependencyGraphItem::mousePressEvent(QMouseEvent* event) {
    forceActiveFocus(Qt::MouseFocusReason);
    pressPos_ = lastPos_ = event->position();
    dragging_ = false;
    event->accept();
}

void DependencyGraphItem::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    if (!dragging_ && (pos - pressPos_).manhattanLength() > 4)
        dragging_ = true;
    if (dragging_)
        panBy(pos.x() - lastPos_.x(), pos.y() - lastPos_.y());
    lastPos_ = pos;
}

void DependencyGraphItem::mouseReleaseEvent(QMouseEvent* event) {
    if (!dragging_) {
        const QString key = keyAt(event->position());
        if (!key.isEmpty())
            emit nodeClicked(key);
    }
    dragging_ = false;
}

void DependencyGraphItem::mouseDoubleClickEvent(QMouseEvent* event) {
    const QString key = keyAt(event->position());
    if (!key.isEmpty())
        emit nodeActivated(key);
}

void DependencyGraphItem::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    zoomBy(std::pow(1.2, steps), event->position());
    event->accept();
}

void DependencyGraphItem::keyPressEvent(QKeyEvent* event) {
    const double step = 60;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.25); break;
    case Qt::Key_Minus: zoomBy(0.8); break;
    case Qt::Key_0:
    case Qt::Key_F: fitToView(); break;
    case Qt::Key_Left: panBy(step, 0); break;
    case Qt::Key_Right: panBy(-step, 0); break;
    case Qt::Key_Up: panBy(0, step); break;
    case Qt::Key_Down: panBy(0, -step); break;
    case Qt::Key_Space: if (!selectedKey_.isEmpty()) toggleCollapsed(selectedKey_); break;
    case Qt::Key_Return:
    case Qt::Key_Enter: if (!selectedKey_.isEmpty()) emit nodeActivated(selectedKey_); break;
    case Qt::Key_N: nextMatch(event->modifiers() & Qt::ShiftModifier ? -1 : 1); break;
    default: event->ignore(); return;
    }
    event->accept();
}

GraphLabelLayer::GraphLabelLayer(DependencyGraphItem* graph) : QQuickPaintedItem(graph), graph_(graph) {
    setAntialiasing(true);
    setZ(1);
}

void GraphLabelLayer::paint(QPainter* painter) {
    const auto& g = *graph_;
    if (!g.hasLayout_ || g.layout_.nodes.size() != g.nodes_.size())
        return;
    QFont font = painter->font();
    font.setPixelSize(12);
    painter->setFont(font);
    const QFontMetricsF metrics(font);
    const QRectF view(0, 0, width(), height());
    const QColor text = color(pal::kText);
    const QColor halo = withAlpha(color(pal::kSurface), 0.85);
    // Candidates on screen only, then the important ones first so the cap never drops the
    // selected or severe labels. Sorting only what is visible keeps big graphs cheap.
    const int selected = g.indexOf(g.selectedKey_);
    const QRectF near = view.adjusted(-100, -40, 100, 40);
    std::vector<std::pair<int, std::size_t>> order;  // (-rank, index)
    for (std::size_t i = 0; i < g.nodes_.size(); ++i) {
        const auto& n = g.nodes_[i];
        if (n.hidden)
            continue;
        const auto& placed = g.layout_.nodes[i];
        const double radius = placed.width / 2 * g.zoom_;
        // Severe packages keep their label until they shrink to dots; the rest need room.
        const bool important = static_cast<int>(i) == selected || n.searchHit || i == 0 || (n.passes && n.severity >= 3 && radius >= 4);
        if (!important && (radius < 7 || !n.passes))
            continue;
        if (!near.contains(g.toScreen(QPointF(placed.center.x, placed.center.y))))
            continue;
        const int rank = (static_cast<int>(i) == selected ? 100 : 0) + (n.searchHit ? 50 : 0) + n.severity * 5 + (i == 0 ? 40 : 0);
        order.emplace_back(-rank, i);
    }
    constexpr std::size_t kMaxLabels = 250;
    const auto cut = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), kMaxLabels));
    std::partial_sort(order.begin(), cut, order.end());
    order.erase(cut, order.end());
    for (const auto& entry : order) {
        const std::size_t i = entry.second;
        const auto& n = g.nodes_[i];
        const auto& placed = g.layout_.nodes[i];
        const double radius = placed.width / 2 * g.zoom_;
        const QPointF c = g.toScreen(QPointF(placed.center.x, placed.center.y));
        const QString label = n.label;
        const double w = metrics.horizontalAdvance(label);
        const QRectF box(c.x() - w / 2 - 4, c.y() + radius + 3, w + 8, metrics.height() + 2);
        painter->setPen(Qt::NoPen);
        painter->setBrush(halo);
        painter->drawRoundedRect(box, 4, 4);
        painter->setPen(static_cast<int>(i) == selected ? color(pal::kAccent) : text);
        painter->drawText(box, Qt::AlignCenter, label);
    }
}

}  // namespace vigil::ui
