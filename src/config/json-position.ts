/**
 * Where a JSON text first goes wrong. The engine's JSON.parse error names no position in
 * Bun, so after it fails this small scanner walks the text again to find the offending
 * character and say what was expected there.
 */
export interface JsonSyntaxError {
  line: number;
  column: number;
  reason: string;
}

const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;

  const fail = (reason: string): never => {
    throw new Stop(i, reason);
  };
  const found = () =>
    i < text.length ? `unexpected ${JSON.stringify(text[i])}` : "unexpected end of file";
  const skipSpace = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[i] !== char) fail(`${found()}, expected "${char}"`);
    i++;
  };

  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail("control character inside a string");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail("bad \\u escape");
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail("bad escape in a string");
      }
      i++;
    }
    if (i >= text.length) fail("unterminated string");
    i++;
  };

  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === "{")
      return container("}", () => {
        skipSpace();
        if (text[i] !== '"') fail(`${found()}, expected a key in double quotes`);
        string();
        expect(":");
        value();
      });
    if (char === "[") return container("]", value);
    if (char === '"') return string();
    const literal = LITERAL.exec(text.slice(i));
    if (!literal) fail(`${found()}, expected a value`);
    i += literal![0].length;
  };

  const container = (close: string, member: () => void) => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ",") fail(`${found()}, expected "," or "${close}"`);
      i++;
      skipSpace();
      if (text[i] === close) fail(`trailing comma before "${close}"`);
    }
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail(`${found()} after the end of the document`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split("\n");
    return { line: before.length, column: before.at(-1)!.length + 1, reason: error.reason };
  }
}
