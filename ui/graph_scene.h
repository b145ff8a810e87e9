// @brief Scene-graph nodes of the dependency graph: vertex-coloured QSGGeometryNodes on GPU
// backends, one QPainter-based QSGRenderNode on the software backend (which draws no custom
// geometry). Both live under a QSGTransformNode, so panning and zooming only change a matrix.
#pragma once

#include <QColor>
#include <QPointF>
#include <QRectF>

#include <memory>
#include <vector>

class QSGNode;
class QQuickWindow;

namespace vigil::ui {

/// What to draw, in layout coordinates (points), precomputed on the GUI thread.
struct GraphDrawData {
    struct Node {
        QPointF center;
        float radius = 8;
        QColor fill;
        QColor ring;      ///< transparent = none (selection, search hit, collapsed marker)
        float ringWidth = 0;
    };
    struct Edge {
        std::vector<QPointF> polyline;  ///< flattened Bézier
        bool highlighted = false;       ///< on a root → selected path
        bool dim = false;               ///< touches a filtered-out node
    };
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    QColor edgeColor, dimEdgeColor, highlightColor;
    float highlightWidth = 3;
    QRectF bounds;
};

/// Returns the subtree to put under the item's transform node: builds it when `old` is null or
/// `rebuild` is set, else returns `old`. `visible` (layout coordinates) culls software painting.
QSGNode* updateGraphScene(QSGNode* old, QQuickWindow* window, std::shared_ptr<const GraphDrawData> data, bool rebuild,
                          const QRectF& visible);

}  // namespace vigil::ui
