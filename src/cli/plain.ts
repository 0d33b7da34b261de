// Imported first by main.ts: citty decides on colours when it loads. Output that is not a
// terminal (cron mail, a pipe, a file) gets plain text without escape codes.
if (!process.stdout.isTTY && process.env.NO_COLOR === undefined) process.env.NO_COLOR = "1";
