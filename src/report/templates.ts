// Eta templates for the HTML pages and the error mail. They live in the code, not in
// files, so the single `ssb` binary needs nothing beside it. Every interpolation uses
// `<%=`, which escapes; `<%~` (raw output) is never used. The CSS below is a constant
// joined into the template source before compiling, never data.

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bg: #f6f8fa; --card: #fff; --ok: #1a7f37; --ok-bg: #dafbe1; --fail: #cf222e;
  --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; --skip: #59636e;
  --skip-bg: #eff2f5; --plan: #0969da; --plan-bg: #ddf4ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 16px 40px; }
a { color: var(--plan); text-decoration: none; }
a:hover { text-decoration: underline; }
nav { font-size: 14px; margin-bottom: 12px; display: flex; gap: 16px; flex-wrap: wrap; }
h1 { font-size: 22px; margin: 0; line-height: 1.3; word-break: break-word; }
h2 { font-size: 17px; margin: 28px 0 10px; }
code, .mono { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; }
.title { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; margin-bottom: 14px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px 24px; margin: 0; }
.facts div { min-width: 0; }
.facts .wide { grid-column: 1 / -1; }
.facts dt { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0 0; padding: 0; list-style: none; }
.counts li { background: var(--bg); border: 1px solid var(--line); border-radius: 999px; padding: 2px 12px; font-size: 14px; }
.counts b { font-variant-numeric: tabular-nums; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 13px;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.ok { color: var(--ok); background: var(--ok-bg); border-color: #aceebb; }
.fail { color: var(--fail); background: var(--fail-bg); border-color: #ffcecb; }
.warn { color: var(--warn); background: var(--warn-bg); border-color: #f5e0a0; }
.skip { color: var(--skip); background: var(--skip-bg); border-color: var(--line); }
.plan { color: var(--plan); background: var(--plan-bg); border-color: #b6e3ff; }
.table { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 10px 12px; border-top: 1px solid var(--line); }
thead th { border-top: 0; font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); background: #fafbfc; white-space: nowrap; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
.name { white-space: nowrap; }
.key { white-space: nowrap; }
table.jobs tr.detail td { border-top: 0; padding-top: 0; }
.pruned .key { display: inline-block; margin-right: 8px; font-size: 12px; color: var(--muted); }
tbody.job-fail td:first-child, tr.row-fail td:first-child { box-shadow: inset 3px 0 0 var(--fail); }
tbody.job-warn td:first-child, tr.row-warn td:first-child { box-shadow: inset 3px 0 0 var(--warn); }
.muted { color: var(--muted); }
.group { display: block; font-size: 12px; color: var(--muted); }
.error { color: var(--fail); white-space: pre-wrap; overflow-wrap: anywhere; }
.failure { margin-top: 12px; }
.failure h3 { margin: 0 0 6px; font-size: 16px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.failure pre { margin: 8px 0 0; padding: 10px 12px; background: var(--fail-bg); border-radius: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 28px; font-size: 13px; color: var(--muted); }
@media (max-width: 720px) {
  main { padding: 12px 10px 32px; }
  .card { padding: 14px; }
  .table { background: none; border: 0; overflow: visible; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  table:not(.jobs) tr, tbody.job { background: var(--card); border: 1px solid var(--line);
    border-radius: 10px; margin-bottom: 10px; padding: 6px 0; }
  td { border: 0; padding: 4px 12px; display: grid; grid-template-columns: 92px 1fr;
    gap: 8px; justify-items: start; }
  td::before { content: attr(data-label); font-size: 12px; text-transform: uppercase;
    letter-spacing: .04em; color: var(--muted); padding-top: 2px; }
  td.empty { display: none; }
  table.jobs tr.detail td { display: block; padding: 6px 12px 4px; }
  table.jobs tr.detail td::before { content: none; }
  .key, .name { white-space: normal; overflow-wrap: anywhere; }
  tbody.job-fail td:first-child, tr.row-fail td:first-child,
  tbody.job-warn td:first-child, tr.row-warn td:first-child { box-shadow: none; }
  tbody.job-fail, tr.row-fail { border-left: 4px solid var(--fail); }
  tbody.job-warn, tr.row-warn { border-left: 4px solid var(--warn); }
}
`;

// The head of every page. The ssb-* meta tags let the index read a run's counts back from
// its page, so the index can be rebuilt from whatever pages the folder still holds.
const HEAD = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<% if (it.meta) { %>
<meta name="ssb-host" content="<%= it.meta.host %>">
<meta name="ssb-duration-ms" content="<%= it.meta.durationMs %>">
<meta name="ssb-uploaded" content="<%= it.meta.uploaded %>">
<meta name="ssb-skipped" content="<%= it.meta.skipped %>">
<meta name="ssb-pruned" content="<%= it.meta.pruned %>">
<meta name="ssb-failed" content="<%= it.meta.failed %>">
<meta name="ssb-dry-run" content="<%= it.meta.dryRun %>">
<meta name="ssb-failed-jobs" content="<%= it.meta.failedJobs %>">
<% } %>
<title><%= it.title %></title>
<style>${CSS}</style>
</head>
<body>
<main>
`;

const FOOT = `<footer>Written by ssb at <%= it.generated %>.</footer>
</main>
</body>
</html>
`;

const RUN_HEADER = `<section class="card">
<div class="title">
<h1><%= it.heading %></h1>
<span class="badge <%= it.run.status.tone %>"><%= it.run.status.label %></span>
<% if (it.run.dryRun) { %><span class="badge plan">dry run</span><% } %>
</div>
<dl class="facts">
<div><dt>Host</dt><dd><%= it.run.host %></dd></div>
<div><dt>Bucket</dt><dd><%= it.run.bucket %></dd></div>
<div><dt>Started</dt><dd><%= it.run.started %></dd></div>
<div><dt>Duration</dt><dd><%= it.run.duration %></dd></div>
<div class="wide"><dt>Config file</dt><dd class="mono"><%= it.run.configFile %></dd></div>
<% if (it.run.mail) { %>
<div class="wide"><dt>Error mail</dt><dd><span class="badge <%= it.run.mail.tone %>"><%= it.run.mail.tone === "ok" ? "sent" : "not sent" %></span> <%= it.run.mail.text %></dd></div>
<% } %>
</dl>
<ul class="counts">
<li><b><%= it.run.counts.uploaded %></b> <%= it.run.dryRun ? "planned" : "uploaded" %></li>
<li><b><%= it.run.counts.skipped %></b> skipped</li>
<li><b><%= it.run.counts.pruned %></b> <%= it.run.dryRun ? "to prune" : "pruned" %></li>
<li<% if (it.run.counts.failed > 0) { %> class="fail"<% } %>><b><%= it.run.counts.failed %></b> failed</li>
</ul>
</section>
`;

/** The page of one run: header, then one row per job. */
export const REPORT_TEMPLATE = `${HEAD}<nav><a href="index.html">&larr; All runs</a>
<% if (it.errorHref) { %><a href="<%= it.errorHref %>">Failures only</a><% } %>
</nav>
${RUN_HEADER}
<h2>Jobs</h2>
<% if (it.run.jobs.length === 0) { %>
<p class="card muted">No jobs ran.</p>
<% } else { %>
<div class="table">
<table class="jobs">
<thead><tr><th>Job</th><th>Outcome</th><th>Object</th><th>Size</th><th>Duration</th><th>Speed</th><th>Pruned</th></tr></thead>
<% for (const job of it.run.jobs) { %>
<tbody class="job job-<%= job.tone %>">
<tr>
<td data-label="Job"><div><strong class="name"><%= job.job %></strong><% if (job.group) { %><span class="group">group <%= job.group %></span><% } %></div></td>
<td data-label="Outcome"><span class="badge <%= job.tone %>"><%= job.outcome %></span></td>
<td data-label="Object"<% if (!job.objectKey) { %> class="empty"<% } %>><% if (job.objectKey) { %><span class="mono key"><%= job.objectKey %></span><% } else { %><span class="muted">&mdash;</span><% } %></td>
<td data-label="Size" class="num<% if (!job.size) { %> empty<% } %>"><%= job.size || "—" %></td>
<td data-label="Duration" class="num"><%= job.duration %></td>
<td data-label="Speed" class="num<% if (!job.throughput) { %> empty<% } %>"><%= job.throughput || "—" %></td>
<td data-label="Pruned" class="num<% if (job.pruned.length === 0) { %> empty<% } %>"><%= job.pruned.length || "—" %></td>
</tr>
<% if (job.error || job.reason || job.pruned.length > 0) { %>
<tr class="detail">
<td colspan="7">
<% if (job.error) { %><div class="error"><%= job.error %></div><% } %>
<% if (job.reason) { %><div class="muted"><%= job.reason %></div><% } %>
<% if (job.pruned.length > 0) { %><div class="pruned"><span class="muted">Pruned:</span><% for (const name of job.pruned) { %> <span class="mono key"><%= name %></span><% } %></div><% } %>
</td>
</tr>
<% } %>
</tbody>
<% } %>
</table>
</div>
<% } %>
${FOOT}`;

/** The page of one run's failures only: what an operator opens from the error mail. */
export const ERROR_TEMPLATE = `${HEAD}<nav><a href="index.html">&larr; All runs</a>
<a href="<%= it.reportHref %>">Full report</a>
</nav>
${RUN_HEADER}
<h2>Failures</h2>
<% for (const job of it.run.failures) { %>
<article class="card failure">
<h3><%= job.job %> <span class="badge <%= job.tone %>"><%= job.outcome %></span><% if (job.group) { %><span class="group">group <%= job.group %></span><% } %></h3>
<% if (job.objectKey) { %><div class="mono muted"><%= job.objectKey %></div><% } %>
<pre class="mono error"><%= job.error || "failed without an error message" %></pre>
</article>
<% } %>
${FOOT}`;

/** The list of every run in the folder, newest first. */
export const INDEX_TEMPLATE = `${HEAD}<section class="card">
<div class="title"><h1>Backup runs</h1>
<span class="badge <%= it.latest.tone %>">latest: <%= it.latest.label %></span></div>
<p class="muted" style="margin:0">Newest first<% if (it.truncated) { %>; the pages of older runs were deleted, only the newest <%= it.runs.length %> are kept<% } %>. Times are UTC.</p>
</section>
<h2>Runs</h2>
<% if (it.runs.length === 0) { %>
<p class="card muted">No runs yet.</p>
<% } else { %>
<div class="table">
<table>
<thead><tr><th>Started</th><th>Status</th><th>Host</th><th>Duration</th><th>Uploaded</th><th>Skipped</th><th>Pruned</th><th>Failed</th><th>Pages</th></tr></thead>
<tbody>
<% for (const run of it.runs) { %>
<tr class="row-<%= run.tone %>">
<td data-label="Started" class="num"><% if (run.reportHref) { %><a href="<%= run.reportHref %>"><%= run.started %></a><% } else { %><%= run.started %><% } %></td>
<td data-label="Status"><div><span class="badge <%= run.tone %>"><%= run.label %></span><% if (run.failedJobs.length > 0) { %><span class="group"><%= run.failedJobs.slice(0, 5).join(", ") %><% if (run.failedJobs.length > 5) { %> and <%= run.failedJobs.length - 5 %> more<% } %></span><% } %></div></td>
<td data-label="Host"<% if (!run.host) { %> class="empty"<% } %>><%= run.host || "—" %></td>
<td data-label="Duration" class="num<% if (!run.duration) { %> empty<% } %>"><%= run.duration || "—" %></td>
<td data-label="Uploaded" class="num<% if (run.uploaded === undefined) { %> empty<% } %>"><%= run.uploaded ?? "—" %></td>
<td data-label="Skipped" class="num<% if (run.skipped === undefined) { %> empty<% } %>"><%= run.skipped ?? "—" %></td>
<td data-label="Pruned" class="num<% if (run.pruned === undefined) { %> empty<% } %>"><%= run.pruned ?? "—" %></td>
<td data-label="Failed" class="num<% if (run.failed === undefined) { %> empty<% } %>"><%= run.failed ?? "—" %></td>
<td data-label="Pages"><div><% if (run.reportHref) { %><a href="<%= run.reportHref %>">report</a><% } %><% if (run.reportHref && run.errorHref) { %> &middot; <% } %><% if (run.errorHref) { %><a href="<%= run.errorHref %>">failures</a><% } %></div></td>
</tr>
<% } %>
</tbody>
</table>
</div>
<% } %>
${FOOT}`;

/** HTML part of the error mail; mail clients drop <style>, so styles are inline. */
export const MAIL_TEMPLATE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title><%= it.subject %></title></head>
<body style="margin:0;padding:16px;background:#f6f8fa;color:#1f2328;font:15px/1.5 -apple-system,'Segoe UI',Roboto,Arial,sans-serif">
<div style="max-width:720px;margin:0 auto;background:#fff;border:1px solid #d1d9e0;border-radius:10px;padding:18px 20px">
<h1 style="font-size:19px;margin:0 0 8px"><%= it.run.counts.failed %> backup job(s) failed on <%= it.host %></h1>
<p style="margin:0 0 14px;color:#59636e">Run started <%= it.run.started %>, took <%= it.run.duration %>. Bucket <%= it.run.bucket %>. Config <%= it.run.configFile %>.</p>
<% for (const job of it.run.failures) { %>
<div style="border-left:4px solid #cf222e;padding:6px 12px;margin:0 0 12px;background:#ffebe9;border-radius:4px">
<div style="font-weight:600"><%= job.job %><% if (job.group) { %> <span style="font-weight:400;color:#59636e">(group <%= job.group %>)</span><% } %> &mdash; <%= job.outcome %></div>
<% if (job.objectKey) { %><div style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;color:#59636e"><%= job.objectKey %></div><% } %>
<div style="white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;color:#a40e26"><%= job.error || "failed without an error message" %></div>
</div>
<% } %>
<p style="margin:14px 0 0;color:#59636e">Counts: <%= it.run.counts.uploaded %> uploaded, <%= it.run.counts.skipped %> skipped, <%= it.run.counts.pruned %> pruned, <%= it.run.counts.failed %> failed.</p>
</div>
</body>
</html>
`;
