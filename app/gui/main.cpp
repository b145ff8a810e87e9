// vigil: the desktop application. Loads the QML shell from resources (Qt 6.4 has no
// loadFromModule, so by qrc URL — ARCHITECTURE.md §5).
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QTimer>
#include <QUrl>

#include <cstdio>

#include "vigil_version.h"

int main(int argc, char* argv[]) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("VIGIL"));
    QGuiApplication::setOrganizationName(QStringLiteral("vigil"));
    QGuiApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QQmlApplicationEngine engine;
    const QUrl url(QStringLiteral("qrc:/qt/qml/Vigil/Main.qml"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(url);
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "vigil: the main window could not be created (see the QML errors above)\n");
        return 1;
    }
    // --quit-after MS: used by the smoke test to prove the window opens and the event loop runs.
    const QStringList args = QCoreApplication::arguments();
    if (const auto i = args.indexOf(QStringLiteral("--quit-after")); i >= 0 && i + 1 < args.size())
        QTimer::singleShot(args.at(i + 1).toInt(), &app, &QCoreApplication::quit);
    return QGuiApplication::exec();
}
