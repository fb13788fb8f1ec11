// Maps a position in the JavaScript that runs back to the cell's TypeScript line, through the source map of
// tslab's converter (patched in patches/: the cell is emitted as CommonJS in one emit, so one map).

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** One decoded segment: generated column, then the original line and column (all 0-based). */
type Segment = [generatedColumn: number, originalLine: number, originalColumn: number];

/** Decodes a source map v3 `mappings` string into segments per generated line (one source only). */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const text of lineText.split(',')) {
      if (!text) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const c of text) {
        const digit = DIGIT.get(c);
        if (digit === undefined) throw new Error(`source map: bad character '${c}'`);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      generatedColumn += fields[0];
      if (fields.length < 4) continue;
      originalLine += fields[2];
      originalColumn += fields[3];
      segments.push([generatedColumn, originalLine, originalColumn]);
    }
    lines.push(segments);
  }
  return lines;
}

/** A decoded map that answers "where did this generated position come from" (0-based). */
export class SourceMap {
  private readonly lines: Segment[][];

  constructor(json: string) {
    this.lines = decodeMappings((JSON.parse(json) as { mappings: string }).mappings);
  }

  /** The original position of the last segment at or before (line, column); the line's first one otherwise. */
  original(line: number, column: number): { line: number; column: number } | undefined {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return undefined;
    let found = segments[0];
    for (const s of segments) {
      if (s[0] > column) break;
      found = s;
    }
    return { line: found[1], column: found[2] };
  }
}

/** One cell's map: run-JS position -> cell line and column (0-based). */
export class CellSourceMap {
  private readonly map: SourceMap;

  /** `sourceLineOffset`: lines the converter put before the cell's source ("export {};"). */
  constructor(map: string, private readonly sourceLineOffset: number) {
    this.map = new SourceMap(map);
  }

  cellPosition(line: number, column: number): { line: number; column: number } | undefined {
    const inCell = this.map.original(line, column);
    if (!inCell) return undefined;
    const cellLine = inCell.line - this.sourceLineOffset;
    return cellLine >= 0 ? { line: cellLine, column: inCell.column } : undefined;
  }
}
