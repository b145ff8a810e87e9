// The HTML report's style sheet. Colours come from palette.h through CSS variables set in html_report.cpp.
#include "engine/report/html_report_parts.h"

namespace vigil::engine::report::html {

const char* styleSheet() {
    return R"CSS(
*{box-sizing:border-box}
html{font-size:14px}
body{margin:0;background:var(--bg);color:var(--text);font-family:"DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif;line-height:1.45}
code,pre,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
header.top{background:var(--sidebar);color:var(--ondark);padding:28px 40px 24px}
header.top .brand{font-size:.8rem;letter-spacing:.18em;text-transform:uppercase;opacity:.75}
header.top h1{margin:6px 0 4px;font-size:1.9rem;font-weight:600}
header.top .meta{opacity:.85;font-size:.92rem}
header.top .verdict{float:right;text-align:right;margin-top:6px}
header.top .verdict .big{font-size:1.4rem;font-weight:700;display:block;margin-top:4px}
.layout{display:flex;align-items:flex-start;max-width:1280px;margin:0 auto;padding:24px 24px 60px;gap:24px}
nav.toc{position:sticky;top:16px;flex:0 0 220px;background:var(--surface);border:1px solid var(--border);border-radius:8px;padding:14px 16px;font-size:.9rem}
nav.toc h2{font-size:.75rem;text-transform:uppercase;letter-spacing:.12em;color:var(--muted);margin:0 0 8px;border:0;padding:0}
nav.toc ol{list-style:none;margin:0;padding:0}
nav.toc li{margin:3px 0}
nav.toc ol ol{padding-left:10px;margin-top:4px}
nav.toc .dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;vertical-align:middle}
main{flex:1;min-width:0}
section.card{background:var(--surface);border:1px solid var(--border);border-radius:8px;padding:18px 22px;margin-bottom:20px}
h2{font-size:1.3rem;margin:0 0 12px;padding-bottom:8px;border-bottom:1px solid var(--border)}
h3{font-size:1.08rem;margin:18px 0 8px}
h4{font-size:.95rem;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:10px;margin-bottom:14px}
.tile{border:1px solid var(--border);border-radius:6px;padding:10px 12px;background:var(--surface-alt)}
.tile .n{font-size:1.6rem;font-weight:700;display:block}
.tile .l{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
.tile.sev{color:#fff;border:0}
.tile.sev .l{color:inherit;opacity:.9}
.tile.zero{opacity:.45}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--border);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em}
tbody tr:nth-child(even){background:var(--surface-alt)}
table.kv th{width:180px;text-transform:none;letter-spacing:0;font-size:.88rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
.pill{display:inline-block;padding:1px 7px;border-radius:10px;font-size:.75rem;background:var(--surface-alt);border:1px solid var(--border);color:var(--muted);margin-right:4px}
figure{margin:0;overflow-x:auto;text-align:center}
figure svg{max-width:100%;height:auto}
figcaption,.note{color:var(--muted);font-size:.85rem;margin-top:6px}
.pkg-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.pkg-head h2{border:0;padding:0;margin:0;flex:1;word-break:break-all}
.score{width:120px;height:8px;border-radius:4px;background:var(--surface-alt);border:1px solid var(--border);overflow:hidden;display:inline-block;vertical-align:middle}
.score>span{display:block;height:100%}
.pkg-meta{color:var(--muted);font-size:.88rem;margin:6px 0 10px}
.finding{border:1px solid var(--border);border-left:5px solid var(--sevc);border-radius:6px;padding:10px 14px;margin:10px 0;background:var(--surface)}
.finding.expected{opacity:.75;border-left-style:dashed}
.finding .t{font-weight:600;font-size:1rem;word-break:break-word}
.finding .rule{color:var(--muted);font-size:.82rem;margin:2px 0 6px}
.finding p{margin:6px 0}
pre{background:var(--surface-alt);border:1px solid var(--border);border-radius:4px;padding:8px 10px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
td pre{margin:0;padding:2px 6px}
ul.paths{margin:4px 0;padding-left:18px}
.ok{color:#2e7d4f;font-weight:600}
.bad{color:var(--critical);font-weight:600}
details{margin-top:10px}
details summary{cursor:pointer;color:var(--accent);font-weight:600}
.ev-flag td:first-child{border-left:3px solid var(--critical)}
.clean{color:var(--muted)}
footer{color:var(--muted);font-size:.82rem;text-align:center;padding:10px 0 30px}
@media (max-width:900px){.layout{display:block}nav.toc{position:static;margin-bottom:16px}}
@media print{
 @page{size:auto;margin:14mm 12mm}
 html{font-size:11px}
 body{background:#fff}
 header.top{-webkit-print-color-adjust:exact;print-color-adjust:exact;padding:16px 20px}
 .layout{display:block;padding:0;max-width:none}
 nav.toc{position:static;border:0;padding:0;margin-bottom:12px}
 section.card{border:0;border-radius:0;padding:0 0 8px;break-inside:auto}
 section.pkg{break-before:page}
 .finding,figure,table.kv,.tiles{break-inside:avoid}
 h2,h3,h4{break-after:avoid}
 .sev,.tile.sev,svg,.score>span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit}
 details summary{color:var(--text)}
}
)CSS";
}

}  // namespace vigil::engine::report::html
