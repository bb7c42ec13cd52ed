/**
 * Sentence chunker: accumulates agent tokens and releases speakable pieces at sentence ends
 * (or at a clause boundary once a piece grows long), so speech starts before the reply is complete.
 */
export class SentenceChunker {
  private buffer = "";
  private readonly maxChars: number;
  constructor(maxChars = 160) {
    this.maxChars = maxChars;
  }

  push(token: string): string[] {
    this.buffer += token;
    const out: string[] = [];
    for (;;) {
      const cut = this.findCut();
      if (cut < 0) break;
      const piece = this.buffer.slice(0, cut).trim();
      this.buffer = this.buffer.slice(cut);
      if (piece.length > 0) out.push(piece);
    }
    return out;
  }

  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = "";
    return rest.length > 0 ? [rest] : [];
  }

  private findCut(): number {
    const sentence = /[.!?;:](?=\s)|\n/g;
    const match = sentence.exec(this.buffer);
    if (match) return match.index + match[0].length;
    if (this.buffer.length >= this.maxChars) {
      const comma = this.buffer.lastIndexOf(", ", this.maxChars);
      if (comma > 20) return comma + 1;
      const space = this.buffer.lastIndexOf(" ", this.maxChars);
      return space > 0 ? space : this.maxChars;
    }
    return -1;
  }
}
