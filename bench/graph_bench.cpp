// graph_bench: the dependency graph at 1,000 and 5,000 packages — layout time off the GUI thread
// (targets: <= 3 s at 5,000) and pan/zoom frame time in software rendering (target: >= 30 fps).
// Runs offscreen with the software scene graph unless QT_QPA_PLATFORM says otherwise.
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/report/graph_layout.h"
#include "ui/demo_report.h"
#include "ui/dependency_graph_item.h"

using namespace vigil;

namespace {

// Layout on a worker thread, as the graph item does; the GUI thread only waits here.
double layoutSeconds(const engine::report::ScanReport& report) {
    std::vector<engine::report::LayoutNode> nodes{{"", "root", 0.7}};
    std::map<std::string, std::size_t> index{{"", 0}};
    for (const auto& p : report.packages) {
        index[p.key()] = nodes.size();
        nodes.push_back({p.key(), p.key(), p.score / 100.0});
    }
    std::vector<engine::report::LayoutEdge> edges;
    for (const auto& e : report.edges)
        edges.push_back({index.at(e.from), index.at(e.to)});
    double seconds = 0;
    std::thread worker([&] {
        const auto start = std::chrono::steady_clock::now();
        const auto layout = engine::report::layoutGraph(nodes, edges);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!layout.ok())
            std::fprintf(stderr, "layout failed: %s\n", layout.error().describe().c_str());
    });
    worker.join();
    return seconds;
}

struct FrameStats {
    double meanMs = 0;
    double p95Ms = 0;
};

FrameStats panZoomFrames(QQuickWindow& window, ui::DependencyGraphItem& graph, int frames, bool zoomedIn) {
    graph.fitToView();
    if (zoomedIn)
        graph.zoomBy(6);
    std::vector<double> ms;
    QElapsedTimer timer;
    for (int i = 0; i < frames; ++i) {
        if (i % 2 == 0)
            graph.panBy(i % 4 == 0 ? 7 : -7, 3);
        else
            graph.zoomBy(i % 4 == 1 ? 1.03 : 1 / 1.03);
        timer.start();
        // grabWindow renders one complete frame synchronously (sync + render + read back), so this
        // is an upper bound of what the screen's render loop pays per frame.
        const QImage frame = window.grabWindow();
        ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        if (frame.isNull())
            std::fprintf(stderr, "empty frame\n");
    }
    std::sort(ms.begin(), ms.end());
    FrameStats stats;
    for (double v : ms)
        stats.meanMs += v / static_cast<double>(ms.size());
    stats.p95Ms = ms[static_cast<std::size_t>(static_cast<double>(ms.size()) * 0.95)];
    return stats;
}

}  // namespace

int main(int argc, char* argv[]) {
    // Offscreen (no display needed, as in scripts/run-bench.sh) and software rendering: the
    // target is >= 30 fps without a GPU.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    std::printf("scene graph: software, platform: %s\n", qPrintable(QGuiApplication::platformName()));
    for (std::size_t n : {1000U, 5000U}) {
        const auto report = std::make_shared<const engine::report::ScanReport>(ui::makeSyntheticScanReport(n));
        const double seconds = layoutSeconds(*report);
        std::printf("layout %zu nodes, %zu edges (sfdp, worker thread): %.2f s\n", n, report->edges.size(), seconds);

        QQuickWindow window;
        window.resize(1280, 800);
        auto* graph = new ui::DependencyGraphItem(window.contentItem());
        graph->setSize(QSizeF(1280, 800));
        window.show();
        QElapsedTimer gui;
        gui.start();
        graph->setReport(report);
        const qint64 blocked = gui.elapsed();  // GUI thread time to hand the layout off
        QSignalSpy done(graph, &ui::DependencyGraphItem::layoutChanged);
        while (graph->layoutRunning())
            done.wait(100);
        std::printf("  item: GUI thread busy %lld ms to start the layout; layout done in %.2f s\n", static_cast<long long>(blocked),
                    graph->layoutSeconds());
        for (bool labels : {true, false}) {
            // The label layer is the item's only child (QPainter text: Qt 6.4 has no QSGTextNode).
            graph->childItems().value(0)->setVisible(labels);
            for (bool zoomed : {false, true}) {
                const FrameStats s = panZoomFrames(window, *graph, 60, zoomed);
                std::printf("  pan/zoom %s%s: mean %.1f ms (%.0f fps), p95 %.1f ms\n", zoomed ? "zoomed in (x6)" : "whole graph",
                            labels ? "" : ", labels off", s.meanMs, 1000.0 / s.meanMs, s.p95Ms);
            }
        }
    }
    return 0;
}
