#include "ui/graph_scene.h"

#include <QPainter>
#include <QQuickWindow>
#include <QSGGeometryNode>
#include <QSGRenderNode>
#include <QSGRendererInterface>
#include <QSGVertexColorMaterial>

#include <cmath>
#include <map>
#include <optional>
#include <tuple>
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
        const QTransform transform = matrix()->toTransform();
        painter->setTransform(transform, false);
        const double scale = transform.m11();
        const double margin = 60;
        const QRectF cull = visible_.adjusted(-margin, -margin, margin, margin);
        // Only what is on screen is drawn: zoomed in, a 5,000-node graph costs what its visible
        // part costs. Lines go in batches (drawLines), without antialiasing when there are many.
        std::vector<QLineF> normal, dim, highlighted;
        for (const auto& e : edges_) {
            if (!cull.intersects(e.bounds))
                continue;
            auto& out = e.highlighted ? highlighted : e.dim ? dim : normal;
            for (std::size_t i = 1; i < e.points->size(); ++i)
                if (auto line = clipped(QLineF((*e.points)[i - 1], (*e.points)[i]), cull))
                    out.push_back(*line);
        }
        int visibleNodes = 0;
        for (const auto& n : data_->nodes)
            visibleNodes += cull.contains(n.center) ? 1 : 0;
        painter->setRenderHint(QPainter::Antialiasing, visibleNodes < 400 && normal.size() + dim.size() < 500);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(data_->dimEdgeColor, 0));  // cosmetic: one pixel at any zoom
        painter->drawLines(dim.data(), static_cast<int>(dim.size()));
        painter->setPen(QPen(data_->edgeColor, 0));
        painter->drawLines(normal.data(), static_cast<int>(normal.size()));
        painter->setPen([&] {
            QPen pen(data_->highlightColor, 3 / std::max(scale, 1e-3), Qt::SolidLine, Qt::RoundCap);
            return pen;
        }());
        painter->drawLines(highlighted.data(), static_cast<int>(highlighted.size()));
        // Nodes as cached disc sprites blitted at screen scale: QPainter turns every ellipse into
        // Béziers and polygons, which dominated the frame time of large graphs.
        painter->setTransform(QTransform());
        for (const auto& n : data_->nodes) {
            if (!cull.contains(n.center))
                continue;
            const QPointF c = transform.map(n.center);
            const double r = n.radius * scale;
            if (r < 1.5) {
                painter->fillRect(QRectF(c.x() - 1.5, c.y() - 1.5, 3, 3), n.fill);
                continue;
            }
            const QImage& sprite = disc(n.fill, n.ring, r, n.ringWidth * std::min(scale, 1.0) + (n.ring.alpha() > 0 ? 1 : 0));
            painter->drawImage(QPointF(c.x() - sprite.width() / 2.0, c.y() - sprite.height() / 2.0), sprite);
        }
    }

private:
    // Liang–Barsky: the part of `line` inside `rect`. Zoomed in, long edges would otherwise be
    // stroked (antialiased) over thousands of off-screen pixels.
    static std::optional<QLineF> clipped(const QLineF& line, const QRectF& rect) {
        double t0 = 0, t1 = 1;
        const double dx = line.dx(), dy = line.dy();
        const double p[4] = {-dx, dx, -dy, dy};
        const double q[4] = {line.x1() - rect.left(), rect.right() - line.x1(), line.y1() - rect.top(), rect.bottom() - line.y1()};
        for (int k = 0; k < 4; ++k) {
            if (p[k] == 0) {
                if (q[k] < 0)
                    return std::nullopt;
                continue;
            }
            const double t = q[k] / p[k];
            if (p[k] < 0)
                t0 = std::max(t0, t);
            else
                t1 = std::min(t1, t);
            if (t0 > t1)
                return std::nullopt;
        }
        return QLineF(line.pointAt(t0), line.pointAt(t1));
    }

    struct EdgeRef {
        const std::vector<QPointF>* points;
        QRectF bounds;
        bool highlighted;
        bool dim;
    };
    void buildPaths() {
        edges_.clear();
        edges_.reserve(data_->edges.size());
        for (const auto& e : data_->edges) {
            if (e.polyline.size() < 2)
                continue;
            double x0 = e.polyline[0].x(), x1 = x0, y0 = e.polyline[0].y(), y1 = y0;
            for (const auto& p : e.polyline) {
                x0 = std::min(x0, p.x());
                x1 = std::max(x1, p.x());
                y0 = std::min(y0, p.y());
                y1 = std::max(y1, p.y());
            }
            edges_.push_back({&e.polyline, QRectF(QPointF(x0, y0), QPointF(x1, y1)).adjusted(-1, -1, 1, 1), e.highlighted, e.dim});
        }
    }
    QQuickWindow* window_;
    std::shared_ptr<const GraphDrawData> data_;  ///< owns the polylines edges_ point into
    // A disc of this fill, ring and screen radius, rendered once with antialiasing.
    const QImage& disc(const QColor& fill, const QColor& ring, double radius, double ringWidth) {
        // Radii snap to 6 % steps: while zooming, sprites are reused instead of redrawn each frame.
        const double snapped = std::pow(1.06, std::round(std::log(radius) / std::log(1.06)));
        const int r2 = static_cast<int>(std::lround(snapped * 2));
        const int w2 = n2(ringWidth);
        const auto key = std::make_tuple(fill.rgba(), ring.alpha() > 0 ? ring.rgba() : 0U, r2, w2);
        if (auto it = sprites_.find(key); it != sprites_.end())
            return it->second;
        if (sprites_.size() > 512)
            sprites_.clear();  // zooming creates new sizes; old ones are not coming back soon
        const double outer = r2 / 2.0 + (ring.alpha() > 0 ? w2 / 2.0 : 0);
        const int side = static_cast<int>(std::ceil(outer * 2)) + 2;
        QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        const QPointF centre(side / 2.0, side / 2.0);
        if (ring.alpha() > 0) {
            p.setBrush(ring);
            p.drawEllipse(centre, outer, outer);
        }
        p.setBrush(fill);
        p.drawEllipse(centre, r2 / 2.0, r2 / 2.0);
        p.end();
        return sprites_.emplace(key, std::move(image)).first->second;
    }
    static int n2(double v) { return static_cast<int>(std::lround(v * 2)); }

    std::vector<EdgeRef> edges_;
    std::map<std::tuple<QRgb, QRgb, int, int>, QImage> sprites_;
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
