// The console's only stylesheet, served from /console/assets/console.css so that the pages' policy can
// say style-src 'self' and allow no inline style at all.
export const CONSOLE_CSS = `
:root {
  --ink: #1d2433; --muted: #5b6475; --line: #d9dee7; --bg: #f5f7fa; --card: #ffffff; --accent: #1f5fbf;
  --allow: #17803d; --allow-bg: #e7f5ec; --deny: #b42318; --deny-bg: #fdecea;
  --l1: #2e7d32; --l2: #1f5fbf; --l3: #b26a00; --l4: #b42318;
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
header.top { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 52px; background: #14213d; color: #fff; }
header.top .brand { font-weight: 600; font-size: 16px; color: #fff; }
header.top nav { display: flex; gap: 4px; flex: 1; }
header.top nav a { color: #cfd8ea; padding: 6px 12px; border-radius: 6px; }
header.top nav a.current { background: rgba(255,255,255,.14); color: #fff; }
header.top .who { color: #cfd8ea; font-size: 13px; display: flex; align-items: center; gap: 12px; }
header.top .who strong { color: #fff; font-weight: 500; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.4); border-radius: 6px; padding: 4px 10px; cursor: pointer; }
.lang a { color: #cfd8ea; margin-left: 6px; }
.lang a.current { color: #fff; font-weight: 600; }
main { max-width: 1320px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0 0 10px; }
p.intro { color: var(--muted); margin: 0 0 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.notice { padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; background: #fff7e0; border: 1px solid #f0d48a; }
.notice.error { background: var(--deny-bg); border-color: #f3b5ae; }
form.filters { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)) repeat(2, minmax(0, 1.3fr)); gap: 10px; align-items: end; }
form.filters .actions { grid-column: 1 / -1; justify-content: flex-end; }
form.filters label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
input, select { height: 32px; }
input, select, textarea { font: inherit; padding: 5px 8px; border: 1px solid #b9c1ce; border-radius: 6px; background: #fff; color: var(--ink); min-width: 0; }
textarea { width: 100%; }
.actions { display: flex; gap: 8px; align-items: center; }
button.primary, a.button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 7px 14px; font: inherit; cursor: pointer; display: inline-block; }
a.button.secondary { background: #e8ecf3; color: var(--ink); }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; background: var(--card); }
table.grid th, table.grid td { text-align: left; padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
table.grid th { font-size: 12px; color: var(--muted); font-weight: 600; background: #eef1f6; white-space: normal; vertical-align: bottom; }
table.grid td.num, table.grid th.num { text-align: right; }
table.grid tr:hover td { background: #f8fafd; }
table.grid col.time { width: 168px; } table.grid col.subject { width: 130px; } table.grid col.org { width: 150px; }
table.grid col.datasets { width: 130px; } table.grid col.decision { width: 225px; } table.grid col.n { width: 104px; }
table.grid col.eps { width: 56px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.allow { background: var(--allow-bg); color: var(--allow); }
.badge.deny { background: var(--deny-bg); color: var(--deny); }
.badge.kind { background: #eef1f6; color: var(--muted); font-weight: 500; }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: var(--deny); margin-left: 6px; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: 12px; color: var(--muted); }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre.sql { margin: 0; padding: 10px 12px; background: #f3f5f9; border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 260px; overflow: auto; }
.muted { color: var(--muted); }
.ok { color: var(--allow); font-weight: 600; }
.bad { color: var(--deny); font-weight: 600; }
svg.lineage { width: 100%; height: auto; display: block; }
svg.lineage .heading { font-size: 12px; fill: var(--muted); font-weight: 600; }
svg.lineage rect.box { fill: #fff; stroke: #9aa5b8; stroke-width: 1; }
svg.lineage rect.box.unlinked { stroke-dasharray: 4 3; fill: #fafbfc; }
svg.lineage rect.transform { fill: #eef3fb; stroke: #8fa8d6; }
svg.lineage rect.output { fill: #eef8f1; stroke: #86c29b; }
svg.lineage text.label { font-size: 13px; fill: var(--ink); font-family: ui-monospace, Menlo, Consolas, monospace; }
svg.lineage text.detail { font-size: 11px; fill: var(--muted); }
svg.lineage path.link { fill: none; stroke: #7d8aa3; stroke-width: 1.4; }
svg.lineage rect.level { stroke: none; }
svg.lineage rect.level.L1 { fill: var(--l1); } svg.lineage rect.level.L2 { fill: var(--l2); }
svg.lineage rect.level.L3 { fill: var(--l3); } svg.lineage rect.level.L4 { fill: var(--l4); }
svg.lineage rect.level.unknown { fill: #7d8aa3; }
svg.lineage text.level { font-size: 11px; fill: #fff; font-weight: 700; }
.signin { max-width: 560px; margin: 60px auto; }
.signin label { display: block; margin-bottom: 6px; }
.signin .actions { margin-top: 12px; }
.card.refusal { max-width: 760px; margin: 24px auto; }
.signin textarea { height: 120px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
h2.spaced { margin-top: 14px; }
form.spaced { margin-top: 14px; }
.small { font-size: 12px; }
table.grid.reasons td { white-space: normal; overflow-wrap: anywhere; }
table.reasons th:nth-child(1), table.reasons th:nth-child(2) { width: 30%; }
table.budgets col.dataset { width: 120px; } table.budgets col.eps { width: 96px; } table.budgets col.use { width: 250px; }
table.budgets col.charges { width: 120px; } table.budgets col.time { width: 170px; }
svg.usebar { display: block; margin-top: 3px; }
svg.usebar rect.track { fill: #e6eaf1; }
svg.usebar rect.fill.low { fill: var(--allow); } svg.usebar rect.fill.mid { fill: var(--l3); } svg.usebar rect.fill.high { fill: var(--deny); }
svg.usebar text { font-size: 11px; fill: var(--muted); }
.status-big { font-size: 18px; }
form.queue-filters { grid-template-columns: repeat(3, minmax(0, 1fr)) max-content; }
form.queue-filters label.check { justify-content: flex-end; height: 32px; flex-direction: row; align-items: center; color: var(--ink); }
form.queue-filters label.check input { height: auto; }
button.danger, button.secondary { border: 0; border-radius: 6px; padding: 6px 12px; font: inherit; cursor: pointer; }
button.danger { background: var(--deny); color: #fff; }
button.secondary { background: #e8ecf3; color: var(--ink); }
.actions.wrap { flex-wrap: wrap; }
.notice.done { background: var(--allow-bg); border-color: #9fd3b2; }
table.grid.queue td { white-space: normal; overflow-wrap: anywhere; }
table.grid.queue col.time { width: 150px; } table.grid.queue col.who { width: 150px; } table.grid.queue col.state { width: 130px; }
table.grid.queue col.deadline { width: 150px; } table.grid.queue col.last { width: 190px; } table.grid.queue col.act { width: 300px; }
table.grid.queue tr.overdue td { background: #fff4e5; }
table.grid.queue tr.overdue td:first-child { box-shadow: inset 4px 0 0 var(--l3); }
.badge.overdue { background: var(--l3); color: #fff; margin-top: 4px; }
.badge[data-state] { background: #eef1f6; color: var(--ink); }
.badge[data-state="pending"], .badge[data-state="filed"], .badge[data-state="coordination_requested"], .badge[data-state="proposed"] { background: #fff7e0; color: #8a5a00; }
.badge[data-state="approved"], .badge[data-state="coordination_granted"], .badge[data-state="restored"], .badge[data-state="reopened"], .badge[data-state="applied"] { background: var(--allow-bg); color: var(--allow); }
.badge[data-state="denied"], .badge[data-state="coordination_upheld"], .badge[data-state="suspended"], .badge[data-state="withdrawn"], .badge[data-state="rejected"] { background: var(--deny-bg); color: var(--deny); }
form.queue-action { margin: 0; display: flex; flex-direction: column; gap: 6px; }
form.queue-action label.reason { display: flex; flex-direction: column; gap: 2px; }
form.queue-action textarea { height: auto; font-size: 12.5px; }
@media (max-width: 1100px) { form.filters { grid-template-columns: repeat(3, minmax(0, 1fr)); } .cols { grid-template-columns: 1fr; } }
`;
