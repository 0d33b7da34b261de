import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INDEX_LIMIT, writeRunReport } from "../../src/report/html.ts";
import { failed, makeSummary, uploaded } from "./fixtures/summary.ts";

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "ssb-html-")), "www", "backups");
});
afterEach(async () => {
  await rm(join(dir, "..", ".."), { recursive: true, force: true });
});

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? "");
}

describe("writeRunReport", () => {
  test("writes the report, the error page and the index under the run's UTC start", async () => {
    const files = await writeRunReport(dir, makeSummary([uploaded(), failed()]));

    expect(files.report).toBe(join(dir, "backup-2026-12-03T04:00:00.html"));
    expect(files.errorPage).toBe(join(dir, "error-2026-12-03T04:00:00.html"));
    expect(files.index).toBe(join(dir, "index.html"));
    const report = await readFile(files.report, "utf8");
    expect(report).toContain('<meta name="viewport"');
    expect(report).toContain("keys/api-keys.json-2026-12-03T04:00:00Z.bak.enc");
    expect(report).toContain("3.0 MiB");
    expect(report).toContain("2.00 MiB/s");
    expect(report).toContain("keys/api-keys.json-2026-11-26T04:00:00Z.bak.enc");
    expect(report).toContain("Failed to read /var/lib/redis/dump.rdb: EACCES");
    expect(report).toContain("1 failed");
    const errorPage = await readFile(files.errorPage ?? "", "utf8");
    expect(errorPage).toContain("redis-rdb");
    expect(errorPage).not.toContain("api-keys.json");
    expect((await stat(files.report)).mode & 0o777).toBe(0o644);
  });

  test("writes no error page when every job succeeded", async () => {
    const files = await writeRunReport(dir, makeSummary([uploaded()]));

    expect(files.errorPage).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(["backup-2026-12-03T04:00:00.html", "index.html"]);
  });

  test("escapes markup, ampersands and both quote kinds in the report, the error page and the index", async () => {
    const nasty = `<script>alert(1)</script> & "double" 'single'`;
    const summary = makeSummary([failed(`job ${nasty}`, `error ${nasty}`)], {
      host: `host ${nasty}`,
    });
    const files = await writeRunReport(dir, summary);

    const escaped =
      "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;";
    for (const path of [files.report, files.errorPage ?? "", files.index]) {
      const html = await readFile(path, "utf8");
      expect(html).not.toContain("<script>");
      expect(html).not.toContain('"double"');
      expect(html).not.toContain("'single'");
      expect(html).toContain(`job ${escaped}`);
      expect(html).toContain(`host ${escaped}`);
    }
    for (const path of [files.report, files.errorPage ?? ""]) {
      expect(await readFile(path, "utf8")).toContain(`error ${escaped}`);
    }
  });

  test("lists runs newest first in the index, and every link there opens an existing page", async () => {
    await writeRunReport(dir, makeSummary([uploaded()], { startedAt: "2026-12-02T04:00:00.000Z" }));
    await writeRunReport(dir, makeSummary([failed()], { startedAt: "2026-12-03T16:30:05.000Z" }));
    await writeRunReport(dir, makeSummary([uploaded()], { startedAt: "2026-12-03T04:00:00.000Z" }));

    const index = await readFile(join(dir, "index.html"), "utf8");
    const links = hrefs(index);
    expect(links).toEqual([
      "backup-2026-12-03T16%3A30%3A05.html",
      "backup-2026-12-03T16%3A30%3A05.html",
      "error-2026-12-03T16%3A30%3A05.html",
      "backup-2026-12-03T04%3A00%3A00.html",
      "backup-2026-12-03T04%3A00%3A00.html",
      "backup-2026-12-02T04%3A00%3A00.html",
      "backup-2026-12-02T04%3A00%3A00.html",
    ]);
    // A raw colon would make a browser read "backup-2026-12-03T16:" as a URL scheme.
    for (const link of links) {
      expect(link).not.toContain(":");
      expect(existsSync(join(dir, decodeURIComponent(link)))).toBe(true);
    }
    expect(index).toContain("1 failed");
    expect(index.indexOf("1 failed")).toBeLessThan(index.indexOf(">ok<"));
  });

  test("links between a report and its error page resolve after URL-decoding", async () => {
    const files = await writeRunReport(dir, makeSummary([failed()]));

    for (const page of [files.report, files.errorPage ?? ""]) {
      for (const link of hrefs(await readFile(page, "utf8"))) {
        expect(existsSync(join(dir, decodeURIComponent(link)))).toBe(true);
      }
    }
  });

  test("never overwrites the report of an earlier run that started in the same second", async () => {
    const first = await writeRunReport(dir, makeSummary([failed()], { host: "first" }));
    const second = await writeRunReport(dir, makeSummary([uploaded()], { host: "second" }));

    expect(second.report).toBe(join(dir, "backup-2026-12-03T04:00:00-2.html"));
    expect(await readFile(first.report, "utf8")).toContain("first");
    expect(await readFile(second.report, "utf8")).toContain("second");
    const links = hrefs(await readFile(join(dir, "index.html"), "utf8"));
    expect(links[0]).toBe("backup-2026-12-03T04%3A00%3A00-2.html");
    expect(links).toContain("error-2026-12-03T04%3A00%3A00.html");
  });

  test("rebuilds the index from the pages still in the folder", async () => {
    const old = await writeRunReport(
      dir,
      makeSummary([failed()], { startedAt: "2026-12-01T04:00:00.000Z" }),
    );
    await unlink(old.report);
    await writeFile(join(dir, "notes.html"), "not a run");
    await writeRunReport(dir, makeSummary([uploaded()]));

    const links = hrefs(await readFile(join(dir, "index.html"), "utf8"));
    expect(links).not.toContain("backup-2026-12-01T04%3A00%3A00.html");
    expect(links).toContain("error-2026-12-01T04%3A00%3A00.html");
    expect(links).not.toContain("notes.html");
    for (const link of links) expect(existsSync(join(dir, decodeURIComponent(link)))).toBe(true);
  });

  test(`lists only the newest ${INDEX_LIMIT} runs in the index`, async () => {
    await writeRunReport(dir, makeSummary([uploaded()], { startedAt: "2020-01-01T00:00:00.000Z" }));
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < INDEX_LIMIT; i++) {
      const stamp = new Date(start + i * 60_000).toISOString().slice(0, 19);
      await writeFile(join(dir, `backup-${stamp}.html`), "<!doctype html>");
    }
    await writeRunReport(dir, makeSummary([uploaded()]));

    const links = hrefs(await readFile(join(dir, "index.html"), "utf8"));
    expect(new Set(links).size).toBe(INDEX_LIMIT);
    expect(links[0]).toBe("backup-2026-12-03T04%3A00%3A00.html");
    expect(links).not.toContain("backup-2020-01-01T00%3A00%3A00.html");
  });

  test("never deletes the pages it just wrote, even when newer-looking pages fill keepRuns", async () => {
    await writeRunReport(
      dir,
      makeSummary([uploaded()], { startedAt: "2030-01-01T00:00:00.000Z" }),
      1,
    );
    const files = await writeRunReport(
      dir,
      makeSummary([failed()], { startedAt: "2026-12-03T04:00:00.000Z" }),
      1,
    );

    expect(existsSync(files.report)).toBe(true);
    expect(existsSync(files.errorPage!)).toBe(true);
  });

  test("deletes the pages of runs older than the newest keepRuns, and nothing else", async () => {
    await writeRunReport(
      dir,
      makeSummary([failed()], { startedAt: "2026-12-01T04:00:00.000Z" }),
      2,
    );
    await writeRunReport(
      dir,
      makeSummary([uploaded()], { startedAt: "2026-12-02T04:00:00.000Z" }),
      2,
    );
    await writeFile(join(dir, "notes.html"), "mine");
    await writeRunReport(
      dir,
      makeSummary([uploaded()], { startedAt: "2026-12-03T04:00:00.000Z" }),
      2,
    );

    expect((await readdir(dir)).sort()).toEqual([
      "backup-2026-12-02T04:00:00.html",
      "backup-2026-12-03T04:00:00.html",
      "index.html",
      "notes.html",
    ]);
  });

  test("leaves no temporary files behind", async () => {
    await writeRunReport(dir, makeSummary([failed()]));
    await writeRunReport(dir, makeSummary([failed()]));
    await writeRunReport(dir, makeSummary([uploaded()], { startedAt: "2026-12-04T04:00:00.000Z" }));

    const names = await readdir(dir);
    expect(names.filter((name) => name.startsWith(".") || name.endsWith(".tmp"))).toEqual([]);
    expect(names).toHaveLength(6);
  });
});
