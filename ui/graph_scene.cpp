#include "ui/graph_scene.h"

#include <QPainter>
#include <QPainterPath>
#include <QQuickWindow>
#include <QSGGeometryNode>
#include <QSGRenderNode>
#include <QSGRendererInterface>
#include <QSGVertexColorMaterial>

#include <cmath>
#include <numbers>

namespace vigil::ui {
namespace {

constexpr int kCircleSegments = 18;

QSGGeometry::ColoredPoint2D vertex(QPointF p, const QColor& c) {
    // QSGVertexColorMaterial expects premultiplied colours.
    const float a = static_cast<float>(c.alphaF());
    QSGGeometry::ColoredPoint2D v;
    v.set(static_cast<float>(p.x()), static_cast<float>(p.y()), static_cast<uchar>(c.red() * a),
          static_cast<uchar>(c.green() * a), static_cast<uchar>(c.blue() * a), static_cast<uchar>(c.alpha()));
    return v;
}

QSGGeometryNode* coloredNode(std::vector<QSGGeometry::ColoredPoint2D> vertices, unsigned mode) {
    auto* geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), static_cast<int>(vertices.size()));
    geometry->setDrawingMode(mode);
    std::copy(vertices.begin(), vertices.end(), geometry->vertexDataAsColoredPoint2D());
    auto* node = new QSGGeometryNode;
    node->setGeometry(geometry);
    node->setFlag(QSGNode::OwnsGeometry);
    node->setMaterial(new QSGVertexColorMaterial);
    node->setFlag(QSGNode::OwnsMaterial);
    return node;
}

void addDisc(std::vector<QSGGeometry::ColoredPoint2D>& out, QPointF c, float r, const QColor& color) {
    for (int i = 0; i < kCircleSegments; ++i) {
        const double a0 = 2 * std::numbers::pi * i / kCircleSegments;
        const double a1 = 2 * std::numbers::pi * (i + 1) / kCircleSegments;
        out.push_back(vertex(c, color));
        out.push_back(vertex(c + QPointF(r * std::cos(a0), r * std::sin(a0)), color));
        out.push_back(vertex(c + QPointF(r * std::cos(a1), r * std::sin(a1)), color));
    }
}

void addThickSegment(std::vector<QSGGeometry::ColoredPoint2D>& out, QPointF a, QPointF b, float width, const QColor& c) {
    const QPointF d = b - a;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1e-6)
        return;
    const QPointF n(-d.y() / len * width / 2, d.x() / len * width / 2);
    for (QPointF p : {a + n, a - n, b + n, b + n, a - n, b - n})
        out.push_back(vertex(p, c));
}

// GPU path: edges as lines, highlighted edges as quads, rings and nodes as triangle discs.
QSGNode* buildGeometry(const GraphDrawData& data) {
    auto* root = new QSGNode;
    std::vector<QSGGeometry::ColoredPoint2D> lines, thick, discs;
    for (const auto& e : data.edges) {
        for (std::size_t i = 1; i < e.polyline.size(); ++i) {
            if (e.highlighted) {
                addThickSegment(thick, e.polyline[i - 1], e.polyline[i], data.highlightWidth, data.highlightColor);
            } else {
                const QColor& c = e.dim ? data.dimEdgeColor : data.edgeColor;
                lines.push_back(vertex(e.polyline[i - 1], c));
                lines.push_back(vertex(e.polyline[i], c));
            }
        }
    }
    for (const auto& n : data.nodes) {
        if (n.ring.alpha() > 0)
            addDisc(discs, n.center, n.radius + n.ringWidth, n.ring);
        addDisc(discs, n.center, n.radius, n.fill);
    }
    if (!lines.empty())
        root->appendChildNode(coloredNode(std::move(lines), QSGGeometry::DrawLines));
    if (!thick.empty())
        root->appendChildNode(coloredNode(std::move(thick), QSGGeometry::DrawTriangles));
    if (!discs.empty())
        root->appendChildNode(coloredNode(std::move(discs), QSGGeometry::DrawTriangles));
    return root;
}

// Software path: the software adaptation renders QSGRenderNodes with its QPainter.
class GraphPainterNode : public QSGRenderNode {
public:
    GraphPainterNode(QQuickWindow* window, std::shared_ptr<const GraphDrawData> data) : window_(window), data_(std::move(data)) {
        buildPaths();
    }
    void update(std::shared_ptr<const GraphDrawData> data, const QRectF& visible, bool rebuild) {
        if (rebuild) {
            data_ = std::move(data);
            buildPaths();
        }
        visible_ = visible;
        markDirty(QSGNode::DirtyMaterial);
    }
    StateFlags changedStates() const override { return {}; }
    RenderingFlags flags() const override { return BoundedRectRendering; }
    QRectF rect() const override { return data_->bounds.adjusted(-60, -60, 60, 60); }

    void render(const RenderState* /*state*/) override {
        auto* painter = static_cast<QPainter*>(
            window_->rendererInterface()->getResource(window_, QSGRendererInterface::PainterResource));
        if (painter == nullptr)
            return;
        painter->setTransform(matrix()->toTransform(), false);
        const double scale = matrix()->toTransform().m11();
        // Antialias only when few enough things are visible to stay interactive.
        int visibleNodes = 0;
        for (const auto& n : data_->nodes)
            visibleNodes += visible_.contains(n.center) ? 1 : 0;
        painter->setRenderHint(QPainter::Antialiasing, visibleNodes < 600);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(data_->dimEdgeColor, 0));  // cosmetic: one pixel at any zoom
        painter->drawPath(dimEdges_);
        painter->setPen(QPen(data_->edgeColor, 0));
        painter->drawPath(edges_);
        painter->setPen(QPen(data_->highlightColor, data_->highlightWidth, Qt::SolidLine, Qt::RoundCap));
        painter->drawPath(highlighted_);
        painter->setPen(Qt::NoPen);
        const double margin = 60;
        const QRectF cull = visible_.adjusted(-margin, -margin, margin, margin);
        for (const auto& n : data_->nodes) {
            if (!cull.contains(n.center))
                continue;
            if (n.ring.alpha() > 0) {
                painter->setBrush(n.ring);
                painter->drawEllipse(n.center, n.radius + n.ringWidth, n.radius + n.ringWidth);
            }
            painter->setBrush(n.fill);
            if (n.radius * scale < 1.5)
                painter->drawRect(QRectF(n.center.x() - n.radius, n.center.y() - n.radius, 2 * n.radius, 2 * n.radius));
            else
                painter->drawEllipse(n.center, n.radius, n.radius);
        }
    }

private:
    void buildPaths() {
        edges_ = dimEdges_ = highlighted_ = QPainterPath();
        for (const auto& e : data_->edges) {
            if (e.polyline.size() < 2)
                continue;
            QPainterPath& path = e.highlighted ? highlighted_ : e.dim ? dimEdges_ : edges_;
            path.moveTo(e.polyline.front());
            for (std::size_t i = 1; i < e.polyline.size(); ++i)
                path.lineTo(e.polyline[i]);
        }
    }
    QQuickWindow* window_;
    std::shared_ptr<const GraphDrawData> data_;
    QPainterPath edges_, dimEdges_, highlighted_;
    QRectF visible_;
};

}  // namespace

QSGNode* updateGraphScene(QSGNode* old, QQuickWindow* window, std::shared_ptr<const GraphDrawData> data, bool rebuild,
                          const QRectF& visible) {
    const bool software = window->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
    if (software) {
        if (auto* node = dynamic_cast<GraphPainterNode*>(old)) {
            node->update(std::move(data), visible, rebuild);
            return node;
        }
        delete old;
        auto* node = new GraphPainterNode(window, std::move(data));
        node->update(nullptr, visible, false);
        return node;
    }
    if (old != nullptr && !rebuild)
        return old;
    delete old;
    return buildGeometry(*data);
}

}  // namespace vigil::ui
