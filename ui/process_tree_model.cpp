#include "ui/process_tree_model.h"

#include <functional>
#include <map>

namespace vigil::ui {

ProcessTreeModel::ProcessTreeModel(QObject* parent) : QAbstractListModel(parent) {}

int ProcessTreeModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

QVariant ProcessTreeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case CommandRole: return QString::fromStdString(r.command);
    case PidRole: return r.pid;
    case PhaseRole: return QString::fromStdString(r.phase);
    case DepthRole: return r.depth;
    case ExitRole: return QString::fromStdString(r.exit);
    case StartMsRole: return r.startMs;
    default: return {};
    }
}

QHash<int, QByteArray> ProcessTreeModel::roleNames() const {
    return {{PidRole, "pid"}, {PhaseRole, "phase"}, {DepthRole, "depth"}, {CommandRole, "command"}, {ExitRole, "exit"}, {StartMsRole, "startMs"}};
}

void ProcessTreeModel::setEvents(const std::vector<engine::collect::Event>& events) {
    namespace kind = engine::collect::kind;
    // Per phase (pids restart in each sandbox): pid -> process, in order of first appearance.
    struct Proc {
        int ppid = 0;
        std::string command;
        std::string exit;
        double startMs = 0;
        std::size_t order = 0;
    };
    std::vector<Row> rows;
    std::map<std::string, std::map<int, Proc>> phases;
    std::vector<std::string> phaseOrder;
    for (const auto& e : events) {
        if (e.category() != "process" || e.pid == 0)
            continue;
        if (!phases.contains(e.phase))
            phaseOrder.push_back(e.phase);
        auto& procs = phases[e.phase];
        auto [it, inserted] = procs.try_emplace(e.pid);
        Proc& p = it->second;
        if (inserted) {
            p.ppid = e.ppid;
            p.startMs = static_cast<double>(e.tsNs) / 1e6;
            p.order = procs.size();
            p.command = e.exe;
        }
        if (e.kind == kind::ProcessExec && e.attrs.contains("argv")) {
            std::string cmd;
            for (const auto& arg : e.attrs["argv"])
                cmd += (cmd.empty() ? "" : " ") + (arg.is_string() ? arg.get<std::string>() : arg.dump());
            p.command = cmd;
        } else if (e.kind == kind::ProcessExit) {
            const int sig = e.attrs.value("signal", 0);
            p.exit = sig != 0 ? "signal " + std::to_string(sig) : "exit " + std::to_string(e.attrs.value("code", 0));
        }
    }
    for (const auto& phase : phaseOrder) {
        const auto& procs = phases[phase];
        std::multimap<int, int> children;  // ppid -> pid
        for (const auto& [pid, p] : procs)
            children.emplace(p.ppid != pid && procs.contains(p.ppid) ? p.ppid : 0, pid);
        std::function<void(int, int)> walk = [&](int parent, int depth) {
            auto [first, last] = children.equal_range(parent);
            for (auto it = first; it != last; ++it) {
                const Proc& p = procs.at(it->second);
                rows.push_back({it->second, phase, depth, p.command, p.exit, p.startMs});
                walk(it->second, depth + 1);
            }
        };
        walk(0, 0);
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    emit countChanged();
}

}  // namespace vigil::ui
