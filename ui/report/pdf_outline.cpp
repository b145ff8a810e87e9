// PDF outline (ISO 32000-1 §12.3.3): a /Outlines dictionary whose items link /First /Last /Next /Prev /Parent.
#include "ui/report/pdf_outline.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

namespace vigil::ui::report {

namespace {

/// Links `items` as siblings under `parent`; returns how many are visible (all: items are open).
int linkSiblings(QPDFObjectHandle parent, std::vector<QPDFObjectHandle>& items) {
    if (items.empty())
        return 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        items[i].replaceKey("/Parent", parent);
        if (i > 0)
            items[i].replaceKey("/Prev", items[i - 1]);
        if (i + 1 < items.size())
            items[i].replaceKey("/Next", items[i + 1]);
    }
    parent.replaceKey("/First", items.front());
    parent.replaceKey("/Last", items.back());
    return static_cast<int>(items.size());
}

}  // namespace

engine::Status addPdfOutline(const std::filesystem::path& input, const std::filesystem::path& output,
                             const std::vector<OutlineTarget>& entries) {
    try {
        QPDF pdf;
        pdf.processFile(input.c_str());
        auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
        QPDFObjectHandle outlines = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
        outlines.replaceKey("/Type", QPDFObjectHandle::newName("/Outlines"));

        std::vector<QPDFObjectHandle> top;
        std::vector<std::vector<QPDFObjectHandle>> children;
        for (const auto& e : entries) {
            if (pages.empty())
                break;
            const std::size_t page = std::min<std::size_t>(static_cast<std::size_t>(std::max(e.page, 0)), pages.size() - 1);
            QPDFObjectHandle item = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
            item.replaceKey("/Title", QPDFObjectHandle::newUnicodeString(e.title));
            item.replaceKey("/Dest", QPDFObjectHandle::newArray(std::vector<QPDFObjectHandle>{
                                         pages[page].getObjectHandle(), QPDFObjectHandle::newName("/XYZ"),
                                         QPDFObjectHandle::newNull(), QPDFObjectHandle::newReal(e.top, 1),
                                         QPDFObjectHandle::newNull()}));
            if (e.level > 0 && !top.empty()) {
                children.back().push_back(item);
            } else {
                top.push_back(item);
                children.emplace_back();
            }
        }
        int visible = 0;
        for (std::size_t i = 0; i < top.size(); ++i) {
            const int kids = linkSiblings(top[i], children[i]);
            if (kids > 0)
                top[i].replaceKey("/Count", QPDFObjectHandle::newInteger(kids));
            visible += kids;
        }
        visible += linkSiblings(outlines, top);
        outlines.replaceKey("/Count", QPDFObjectHandle::newInteger(visible));
        outlines.removeKey("/Parent");  // the root has none; linkSiblings set items' parents only
        pdf.getRoot().replaceKey("/Outlines", outlines);
        pdf.getRoot().replaceKey("/PageMode", QPDFObjectHandle::newName("/UseOutlines"));

        QPDFWriter writer(pdf, output.c_str());
        writer.write();
    } catch (const std::exception& ex) {
        return engine::makeError(engine::ErrorCode::Io, "cannot add the outline to " + output.string(), ex.what());
    }
    return {};
}

}  // namespace vigil::ui::report
